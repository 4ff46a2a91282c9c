from field.tests.factories import published_trip


def test_factory(world):
    trip = published_trip(world)
    assert trip.stops.count() == 2
    assert {s.request.status for s in trip.stops.all()} == {"scheduled"}
