"""Which days teams travel and fixed points receive people.

The community's working-day calendar (journal.workdays: holidays, martial law, manual overrides)
decides once it is installed; until then Monday to Friday.
"""


def is_working_day(day, community):
    try:
        from journal.workdays import is_working_day as calendar_says
    except ImportError:  # before the calendar exists
        return day.weekday() < 5
    return calendar_says(day, community=community)
