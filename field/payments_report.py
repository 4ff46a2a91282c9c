"""Payments per day, team, provider and method (issue 11): each fee recorded at the door against the
fee in force on the trip's day, so the coordinator reconciles what the teams took with what was due.
A paid service accepted at the door with no payment recorded is a row too: «не оплачено / не записано»,
with the fee that was due."""

from decimal import Decimal

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from .models import AcceptedService, Payment

NOT_PAID = ""  # the method of a row with no payment recorded

COLUMNS = ("day", "team", "provider", "method", "request", "service", "expected", "recorded", "receipt",
           "difference")


def rows(community_id, first_day, last_day):
    """One row per recorded payment of the community's trips from `first_day` to `last_day`."""
    payments = (Payment.objects.filter(visit__community_id=community_id, visit__stop__trip__day__gte=first_day,
                                       visit__stop__trip__day__lte=last_day)
                .select_related("visit__stop__trip__team", "visit__request", "service__provider")
                .prefetch_related("service__fees")
                .order_by("visit__stop__trip__day", "visit__stop__trip__team__name", "service__provider__name",
                          "method", "pk"))
    out = []
    for p in payments:
        trip = p.visit.stop.trip
        expected = p.service.fee_on(trip.day) or Decimal("0")
        out.append({"day": trip.day, "team": trip.team.name, "provider": p.service.provider.name,
                    "method": p.method, "method_label": p.get_method_display(), "request": p.visit.request,
                    "service": p.service.name, "expected": expected, "recorded": p.amount, "receipt": p.receipt,
                    "difference": p.amount - expected, "missing": False})
    out += _missing(community_id, first_day, last_day)
    out.sort(key=lambda r: (r["day"], r["team"], r["provider"], r["method"], r["request"].pk))
    return out


def _missing(community_id, first_day, last_day):
    """Paid services accepted at the door on the community's trips with no payment recorded for them."""
    paid = Payment.objects.filter(visit=OuterRef("visit"), service=OuterRef("service"))
    accepted = (AcceptedService.objects.filter(visit__community_id=community_id, visit__stop__trip__day__gte=first_day,
                                               visit__stop__trip__day__lte=last_day, service__is_paid=True)
                .exclude(Exists(paid))
                .select_related("visit__stop__trip__team", "visit__request", "service__provider")
                .prefetch_related("service__fees"))
    out = []
    for a in accepted:
        trip = a.visit.stop.trip
        expected = a.service.fee_on(trip.day) or Decimal("0")
        if not expected:
            continue
        out.append({"day": trip.day, "team": trip.team.name, "provider": a.service.provider.name,
                    "method": NOT_PAID, "method_label": _("не оплачено / не записано"), "request": a.visit.request,
                    "service": a.service.name, "expected": expected, "recorded": Decimal("0"), "receipt": "",
                    "difference": -expected, "missing": True})
    return out


def totals(rows):
    """The rows summed per (day, team, provider, method), in the rows' order."""
    groups = {}
    for r in rows:
        key = (r["day"], r["team"], r["provider"], r["method"])
        g = groups.setdefault(key, {"day": r["day"], "team": r["team"], "provider": r["provider"],
                                    "method": r["method"], "method_label": r["method_label"], "count": 0,
                                    "expected": Decimal("0"), "recorded": Decimal("0"), "difference": Decimal("0")})
        g["count"] += 1
        for k in ("expected", "recorded", "difference"):
            g[k] += r[k]
    return list(groups.values())


def xlsx(rows):
    """The rows as an XLSX workbook (bytes), written in openpyxl's write-only mode."""
    from io import BytesIO

    from openpyxl import Workbook

    from core.spreadsheets import safe_cell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Оплати")
    sheet.append(["Дата", "Бригада", "Надавач", "Спосіб оплати", "Заявка", "Послуга", "Має бути, грн",
                  "Записано, грн", "Квитанція / чек", "Різниця, грн"])
    for r in rows:
        # A receipt number is typed at the door: it must not run as a formula (core.spreadsheets).
        sheet.append([safe_cell(v) for v in (
            r["day"], r["team"], r["provider"], r["method_label"], r["request"].number, r["service"], r["expected"],
            r["recorded"], r["receipt"], r["difference"])])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
