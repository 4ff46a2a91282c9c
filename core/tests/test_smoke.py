from conftest import intake_post_data


def test_operator_saves_a_request_from_the_intake_form(world, login):
    client = login(world.users["operator"])
    response = client.post("/staff/requests/new/", intake_post_data(world))
    assert response.status_code == 302, response.content.decode()[:3000]
