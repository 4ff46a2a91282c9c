"""Who travels with which team on a day, and what stops two teams sharing a person, a vehicle or a
suitcase at the same hours (issue 10). Plain functions over prefetched rows: the planner
(planning/build.py), the planning board and the team admin all call them, none re-implements them.

A day's roster = the team's regular members, minus those away that day, plus those who join it that
day (MembershipChange). When two teams working overlapping hours on the same day share someone, the
team the person joined by date keeps them, else the first team by name; the other team goes without
them, and a team left with nobody does not travel that day. A vehicle or a suitcase goes with the first
team by name; another team needing it at the same hours does not travel that day. A team with no people
recorded at all is planned as before (nobody to check).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from people import authorisation

from .models import WEEKDAYS, MembershipChange, Team


def overlaps(a_start, a_end, b_start, b_end):
    return a_start < b_end and b_start < a_end


def person_name(user):
    return user.get_full_name() or user.username


@dataclass
class DayTeam:
    """One team on one day: its hours, who travels, and why it does not travel (empty if it does)."""

    team: Team
    day: datetime.date
    start: datetime.time
    end: datetime.time
    people: dict = field(default_factory=dict)  # user id → user
    joined: set = field(default_factory=set)  # user ids who joined by date
    had_people: bool = False
    off: str = ""
    notes: list = field(default_factory=list)  # people taken by another team, for the board

    @property
    def works(self):
        return not self.off


def teams_for_rosters(community, *also):
    """The active teams of a community with everything the rosters read (a fixed number of queries);
    `also` names more relations to prefetch."""
    return list(
        Team.objects.filter(community=community, is_active=True)
        .select_related("community", "office", "vehicle", "suitcase")
        .prefetch_related("shifts", "days_off", "members", "membership_changes__user", *also)
        .order_by("name", "pk")
    )


def day_roster(team, day):
    """(people {id: user}, ids joined by date) of `team` on `day`, from prefetched rows."""
    changes = [c for c in team.membership_changes.all() if c.covers(day)]
    away = {c.user_id for c in changes if c.kind == MembershipChange.Kind.AWAY}
    people = {u.pk: u for u in team.members.all() if u.pk not in away}
    joined = set()
    for c in changes:
        if c.kind == MembershipChange.Kind.JOINS:
            people[c.user_id] = c.user
            joined.add(c.user_id)
    return people, joined


def travelling(team, day):
    """Who travels with `team` on `day` once shared people are settled (a substitute joined by date is
    with the team they stand in for, not with their own): the route sheet names these."""
    entries = plan_days(teams_for_rosters(team.community_id), [day]).get(day, [])
    entry = next((e for e in entries if e.team.pk == team.pk), None)
    return list((entry.people if entry else day_roster(team, day)[0]).values())


def plan_days(teams, days, unready=None):
    """{day: [DayTeam, …]} for the teams with hours on each day (no day off), conflicts resolved.
    Issue 16: where the community requires orders, a person without one in force that day does not
    travel (people/authorisation.py); the board says why. A team whose suitcase is out of service, or
    named in `unready` ({(suitcase id, day): why}, from equipment.readiness, which this layer does not
    import) does not travel that day."""
    unready = unready or {}
    out = {}
    orders = _orders(teams)
    for day in sorted(days):
        entries = []
        for team in sorted(teams, key=lambda t: (t.name, t.pk)):
            hours = next((s for s in team.shifts.all() if s.weekday == day.weekday()), None)
            if hours is None or any(d.date == day for d in team.days_off.all()):
                continue
            people, joined = day_roster(team, day)
            notes = []
            if orders is not None:
                for uid in [u for u in people if not authorisation.authorised_on(orders.get(u, []), day)]:
                    notes.append(_("%(person)s цього дня не має чинного наказу про допуск до мобільного робочого "
                                   "місця і не виїжджає.") % {"person": person_name(people.pop(uid))})
            had = bool(team.members.all()) or any(c.covers(day) for c in team.membership_changes.all()
                                                  if c.kind == MembershipChange.Kind.JOINS)
            entries.append(DayTeam(team, day, hours.start, hours.end, people, joined, had_people=had, notes=notes))
        _share_people(entries)
        for entry in entries:
            if entry.had_people and not entry.people:
                entry.off = entry.off or _("Цього дня немає кому виїхати: усі люди команди відсутні "
                                           "або працюють в інших командах.")
        _suitcase_ready(entries, unready)
        _share_things(entries)
        out[day] = entries
    return out


def _orders(teams):
    """{user id: [orders]} of everyone in `teams` when their community requires orders, else None."""
    if not teams or not authorisation.required(teams[0].community):
        return None
    ids = {u.pk for t in teams for u in t.members.all()} | {c.user_id for t in teams for c in t.membership_changes.all()}
    return authorisation.orders_of(ids)


def _share_people(entries):
    by_person = {}
    for entry in entries:
        for uid in entry.people:
            by_person.setdefault(uid, []).append(entry)
    for uid, mine in by_person.items():
        if len(mine) < 2:
            continue
        # The team the person joined by date first, then by name: the same answer every time.
        mine.sort(key=lambda e: (uid not in e.joined, e.team.name, e.team.pk))
        kept = []
        for entry in mine:
            owner = next((k for k in kept if overlaps(k.start, k.end, entry.start, entry.end)), None)
            if owner is None:
                kept.append(entry)
                continue
            user = entry.people.pop(uid)
            entry.notes.append(_("%(person)s цього дня працює в команді «%(team)s».")
                               % {"person": person_name(user), "team": owner.team.name})


def _suitcase_ready(entries, unready):
    for entry in entries:
        suitcase = entry.team.suitcase
        if not entry.works or suitcase is None:
            continue
        if not suitcase.is_active:
            entry.off = _("Валіза «%(name)s» не в роботі.") % {"name": suitcase}
        elif (suitcase.pk, entry.day) in unready:
            entry.off = _("Валіза «%(name)s» не готова: %(why)s.") % {
                "name": suitcase, "why": unready[(suitcase.pk, entry.day)]}


def _share_things(entries):
    for attr, label in (("vehicle", _("Автомобіль")), ("suitcase", _("Валіза"))):
        taken = []
        for entry in entries:
            thing = getattr(entry.team, attr)
            if not entry.works or thing is None:
                continue
            owner = next((e for e in taken if getattr(e.team, attr) == thing
                          and overlaps(e.start, e.end, entry.start, entry.end)), None)
            if owner is None:
                taken.append(entry)
            else:
                entry.off = _("%(what)s «%(name)s» цього дня в команди «%(team)s» у ті самі години.") % {
                    "what": label, "name": thing, "team": owner.team.name}


def member_teams(user, day):
    """Ids of the teams `user` travels with on `day` (regular and not away, or joined by date)."""
    changes = list(MembershipChange.objects.filter(user=user, date_from__lte=day)
                   .exclude(date_to__lt=day).values_list("team_id", "kind"))
    away = {t for t, k in changes if k == MembershipChange.Kind.AWAY}
    regular = set(user.teams.values_list("pk", flat=True)) if user.pk else set()
    teams = (regular - away) | {t for t, k in changes if k == MembershipChange.Kind.JOINS}
    if len(teams) < 2:
        return teams
    # In two teams that day (a substitute elsewhere for the day): the settled roster says which one she
    # travels with at which hours; a team she does not go out with that day is not hers that day.
    entries = plan_days([t for t in teams_for_rosters(user.community_id) if t.pk in teams], [day]).get(day, [])
    working = {e.team.pk for e in entries}
    return {e.team.pk for e in entries if user.pk in e.people} | (teams - working)


def travels_with_q(user, team="team", day="day"):
    """A filter for rows naming a team and a date (trips): those `user` travels with on that date
    (a regular member not away, or joined by date). One query, whatever the number of rows."""
    def changes(kind):
        return MembershipChange.objects.filter(
            user=user, kind=kind, team=OuterRef(team), date_from__lte=OuterRef(day),
        ).filter(Q(date_to__isnull=True) | Q(date_to__gte=OuterRef(day)))

    regular = Q(**{f"{team}__in": user.teams.all()}) & ~Exists(changes(MembershipChange.Kind.AWAY))
    return regular | Exists(changes(MembershipChange.Kind.JOINS))


def save_conflicts(team, member_ids, shifts, vehicle=None, suitcase=None):
    """What stops saving `team` with these regular members, hours and things: the messages (empty
    when nothing). `shifts` are (weekday, start, end). Another active team of the community with an
    overlapping shift on the same weekday must not share a regular member, the vehicle or the suitcase.
    """
    if not team.community_id:
        return []
    others = (Team.objects.filter(community_id=team.community_id, is_active=True)
              .exclude(pk=team.pk).prefetch_related("shifts", "members").select_related("vehicle", "suitcase")
              .order_by("name", "pk"))
    problems = []
    member_ids = set(member_ids)
    for other in others:
        clash = [(w, s, e) for (w, s, e) in shifts for o in other.shifts.all()
                 if o.weekday == w and overlaps(s, e, o.start, o.end)]
        if not clash:
            continue
        day = str(dict(WEEKDAYS)[clash[0][0]]).lower()
        for user in other.members.all():
            if user.pk in member_ids:
                problems.append(_(
                    "%(person)s уже в команді «%(team)s», а її робочі години збігаються з цими (%(day)s). "
                    "Одна людина не може бути у двох виїздах одночасно: змініть години або склад команди, "
                    "а заміну на окремий день вкажіть у «Змінах складу команди».")
                    % {"person": person_name(user), "team": other.name, "day": day})
        for thing, theirs, label in ((vehicle, other.vehicle, _("Автомобіль")),
                                     (suitcase, other.suitcase, _("Валіза"))):
            if thing is not None and theirs == thing:
                problems.append(_(
                    "%(what)s «%(name)s» уже в команди «%(team)s», а її робочі години збігаються з цими "
                    "(%(day)s). Оберіть інший або змініть години.")
                    % {"what": label, "name": thing, "team": other.name, "day": day})
    return problems


def change_conflicts(change):
    """What stops saving a "joins" change: the same person joining another team on overlapping dates
    at overlapping hours (a substitute can be in one place only). Empty when nothing."""
    if change.kind != MembershipChange.Kind.JOINS or not (change.team_id and change.user_id):
        return []
    others = (MembershipChange.objects.filter(user_id=change.user_id, kind=MembershipChange.Kind.JOINS)
              .exclude(team_id=change.team_id).exclude(pk=change.pk).select_related("team")
              .prefetch_related("team__shifts"))
    mine = {s.weekday: s for s in change.team.shifts.all()}
    problems = []
    for other in others:
        start = max(change.date_from, other.date_from)
        ends = [d for d in (change.date_to, other.date_to) if d is not None]
        end = min(ends) if ends else start + datetime.timedelta(days=6)
        end = min(end, start + datetime.timedelta(days=6))  # a week shows every weekday
        day = start
        while day <= end:
            a = mine.get(day.weekday())
            b = next((s for s in other.team.shifts.all() if s.weekday == day.weekday()), None)
            if a and b and overlaps(a.start, a.end, b.start, b.end):
                problems.append(_("%(person)s уже працює з командою «%(team)s» %(date)s у ті самі години.")
                                % {"person": person_name(change.user), "team": other.team.name,
                                   "date": day.strftime("%d.%m.%Y")})
                break
            day += datetime.timedelta(days=1)
    return problems
