"""Other records a citizen's number may name on the status page (visits.public_views.status_lookup).

A fixed-point booking's number (З-1234-5678) is planning's, a layer above this app: planning registers
its finder here when the apps are ready, so the one status page finds both without visits importing it.
A finder takes (community, number as typed, phone) and returns (template name, context) or None.
"""

_finders = []


def register(finder):
    if finder not in _finders:
        _finders.append(finder)


def find_other(community, typed, phone):
    for finder in _finders:
        found = finder(community, typed, phone)
        if found is not None:
            return found
    return None
