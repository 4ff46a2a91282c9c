"""Payments per day, team, provider and method (issue 11): each fee recorded at the door against the
fee in force on the trip's day, so the coordinator reconciles what the teams took with what was due."""

from decimal import Decimal

from .models import Payment

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
                    "difference": p.amount - expected})
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

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Оплати")
    sheet.append(["Дата", "Бригада", "Надавач", "Спосіб оплати", "Заявка", "Послуга", "Має бути, грн",
                  "Записано, грн", "Квитанція / чек", "Різниця, грн"])
    for r in rows:
        sheet.append([r["day"], r["team"], r["provider"], r["method_label"], r["request"].number, r["service"],
                      r["expected"], r["recorded"], r["receipt"], r["difference"]])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
