"""Eligibility is computed, never typed: these functions decide who may order a home visit.

They take plain values (and category objects) so the intake page, the public form, the API and
the tests all reach the same verdict.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .models import EligibilityCategory

ELIGIBLE = "eligible"
NEEDS_EVIDENCE = "needs_evidence"
NOT_ELIGIBLE = "not_eligible"

STATUS_LABELS = {
    ELIGIBLE: gettext_lazy("Має право на виїзд"),
    NEEDS_EVIDENCE: gettext_lazy("Має право, якщо покаже підтвердження"),
    NOT_ELIGIBLE: gettext_lazy("Не належить до жодної категорії"),
}


@dataclass(frozen=True)
class Verdict:
    status: str
    category: EligibilityCategory | None = None
    reason: str = ""
    missing_evidence: list = field(default_factory=list)

    @property
    def is_eligible(self):
        return self.status == ELIGIBLE

    @property
    def label(self):
        return STATUS_LABELS[self.status]


def age_on(birth_date, today):
    """Full years on `today` (a person born on 29 February turns a year older on 1 March)."""
    years = today.year - birth_date.year
    if (today.month, today.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def _years(n):
    return ngettext("%(n)d рік", "%(n)d років", n) % {"n": n}


def evaluate(categories, *, birth_date=None, settlement=None, claimed=None,
             evidence_available=False, today=None):
    """Decide eligibility from the community's active categories.

    categories: the community's EligibilityCategory objects (inactive ones are ignored).
    claimed: the category the person says they belong to (may be None).
    evidence_available: the person has the document that proves `claimed`.
    """
    today = today or date.today()
    active = [c for c in categories if c.is_active]
    by_kind = {c.kind: c for c in active if c.kind != EligibilityCategory.OTHER}
    if claimed is not None and claimed not in active:
        claimed = None

    # A rule computed from data already typed needs no further proof.
    age_cat = by_kind.get(EligibilityCategory.AGE)
    if age_cat and age_cat.age_threshold and birth_date:
        age = age_on(birth_date, today)
        if age >= age_cat.age_threshold:
            return Verdict(
                ELIGIBLE,
                age_cat,
                _("Вік %(age)s — від %(limit)s.")
                % {"age": _years(age), "limit": _years(age_cat.age_threshold)},
            )
    remote_cat = by_kind.get(EligibilityCategory.REMOTE)
    if remote_cat and settlement is not None and settlement.is_remote:
        return Verdict(
            ELIGIBLE,
            remote_cat,
            _("Проживає у віддаленому населеному пункті «%(name)s».") % {"name": settlement.name},
        )

    if claimed is not None and not claimed.is_computed:
        if evidence_available:
            return Verdict(ELIGIBLE, claimed, _("Категорія «%(name)s», підтвердження є.")
                           % {"name": claimed.name})
        evidence = claimed.evidence or _("документ, що підтверджує категорію")
        return Verdict(
            NEEDS_EVIDENCE,
            claimed,
            _("Категорія «%(name)s»: потрібне підтвердження.") % {"name": claimed.name},
            [evidence],
        )

    if claimed is not None and claimed.kind == EligibilityCategory.AGE:
        if not birth_date:
            reason = _("Вкажіть дату народження, щоб перевірити вік.")
        else:
            reason = _("Вік %(age)s — менше %(limit)s.") % {
                "age": _years(age_on(birth_date, today)),
                "limit": _years(claimed.age_threshold or 0),
            }
        return Verdict(NOT_ELIGIBLE, None, reason)
    if claimed is not None and claimed.kind == EligibilityCategory.REMOTE:
        return Verdict(NOT_ELIGIBLE, None,
                       _("Населений пункт не входить до переліку віддалених."))
    return Verdict(NOT_ELIGIBLE, None, _("Оберіть категорію, до якої належить людина."))


def ensure_mandatory_categories(community):
    """Create the two categories the law makes mandatory, and the usual optional ones once."""
    defaults = [
        (EligibilityCategory.DISABILITY_1, "Особа з інвалідністю I групи",
         "Посвідчення особи з інвалідністю або довідка МСЕК (I група)", None, True),
        (EligibilityCategory.LKK, "Не здатна до самообслуговування (висновок ЛКК)",
         "Висновок лікарсько-консультативної комісії", None, True),
        (EligibilityCategory.AGE, "Вік від 80 років", "Паспорт (дата народження)", 80, True),
        (EligibilityCategory.HOSPITAL, "Перебуває на лікуванні в лікарні",
         "Довідка закладу охорони здоров'я", None, True),
        (EligibilityCategory.IMMOBILE, "Тимчасово не може пересуватися",
         "Медична довідка про тимчасову непрацездатність", None, True),
        (EligibilityCategory.REMOTE, "Мешканець віддаленого населеного пункту",
         "Адреса у віддаленому населеному пункті", None, True),
    ]
    created = []
    for order, (kind, name, evidence, age, active) in enumerate(defaults):
        existing = EligibilityCategory.objects.filter(community=community, kind=kind).first()
        if existing:
            continue
        created.append(
            EligibilityCategory.objects.create(
                community=community, kind=kind, name=name, evidence=evidence,
                age_threshold=age, is_active=active, order=order,
            )
        )
    return created
