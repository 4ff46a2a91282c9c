"""Eligibility is computed, never typed: these functions decide who may order a home visit.

They take plain values (and category objects) so the intake page, the public form, the API and
the tests all reach the same verdict.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .models import EligibilityCategory, EvidenceDocument

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


def evidence_documents(kind, day):
    """Names of the catalogue's documents that prove `kind` on `day`."""
    docs = EvidenceDocument.objects.filter(category_kind=kind).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=day),
        Q(valid_to__isnull=True) | Q(valid_to__gte=day),
    )
    return [d.name for d in docs]


# The catalogue as of 2026 (also loaded by migration 0002); the sysadmin keeps it up to date.
# From 2025 the expert team's decision replaced МСЕК; МСЕК certificates issued before stay in force.
DEFAULT_EVIDENCE_DOCUMENTS = [
    (EligibilityCategory.DISABILITY_1, "Рішення експертної команди з оцінювання повсякденного "
     "функціонування особи (I група)", date(2025, 1, 1), None),
    (EligibilityCategory.DISABILITY_1, "Довідка МСЕК про I групу інвалідності (видана до 2025 р., чинна)",
     None, None),
    (EligibilityCategory.DISABILITY_1, "Посвідчення особи з інвалідністю I групи", None, None),
    (EligibilityCategory.LKK, "Висновок лікарсько-консультативної комісії (ЛКК) про нездатність до "
     "самообслуговування і потребу в постійній сторонній допомозі", None, None),
    (EligibilityCategory.HOSPITAL, "Довідка закладу охорони здоров'я про перебування на лікуванні",
     None, None),
    (EligibilityCategory.IMMOBILE, "Медичний висновок про тимчасову непрацездатність", None, None),
]


def ensure_evidence_catalogue():
    """Load the default catalogue once (the demo, the tests, an empty database)."""
    for order, (kind, name, start, end) in enumerate(DEFAULT_EVIDENCE_DOCUMENTS):
        EvidenceDocument.objects.get_or_create(
            category_kind=kind, name=name, defaults={"valid_from": start, "valid_to": end, "order": order})


def evidence_documents_by_kind(day):
    """{category kind: [document names valid on `day`]} in one query."""
    out = {}
    docs = EvidenceDocument.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=day),
        Q(valid_to__isnull=True) | Q(valid_to__gte=day),
    )
    for d in docs:
        out.setdefault(d.category_kind, []).append(d.name)
    return out


def evidence_for(category, day):
    """The documents to ask for: the catalogue's valid ones, else the category's own text."""
    names = evidence_documents(category.kind, day)
    if names:
        return names
    return [category.evidence or _("документ, що підтверджує категорію")]


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
        return Verdict(
            NEEDS_EVIDENCE,
            claimed,
            _("Категорія «%(name)s»: потрібне підтвердження.") % {"name": claimed.name},
            evidence_for(claimed, today),
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


# The wording of the law (Закон «Про адміністративні послуги», ст. 9 ч. 9; seed 000).
MANDATORY = [
    (EligibilityCategory.DISABILITY_1, "Особа з інвалідністю I групи",
     "Посвідчення особи з інвалідністю I групи, рішення експертної команди з оцінювання "
     "повсякденного функціонування особи або довідка МСЕК"),
    (EligibilityCategory.LKK,
     "Особа, яка за висновком лікарсько-консультативної комісії не здатна до самообслуговування "
     "і потребує постійної сторонньої допомоги",
     "Висновок лікарсько-консультативної комісії (ЛКК)"),
]

# The categories councils usually add; each needs the council's decision to be switched on.
USUAL_OPTIONAL = {
    EligibilityCategory.AGE: ("Вік від 80 років", "Паспорт (дата народження)", 80),
    EligibilityCategory.HOSPITAL: ("Перебуває на лікуванні в лікарні",
                                   "Довідка закладу охорони здоров'я", None),
    EligibilityCategory.IMMOBILE: ("Тимчасово не може пересуватися",
                                   "Медична довідка про тимчасову непрацездатність", None),
    EligibilityCategory.REMOTE: ("Мешканець віддаленого населеного пункту",
                                 "Адреса у віддаленому населеному пункті", None),
}


def ensure_mandatory_categories(community):
    """Create the two categories the law makes mandatory, and nothing else (issue 11)."""
    created = []
    for order, (kind, name, evidence) in enumerate(MANDATORY):
        if EligibilityCategory.objects.filter(community=community, kind=kind).exists():
            continue
        created.append(EligibilityCategory.objects.create(
            community=community, kind=kind, name=name, evidence=evidence, is_active=True, order=order,
        ))
    return created


def switch_on_category(community, kind, *, decision_number, decision_date, name="", evidence="",
                       age_threshold=None):
    """Switch on (creating if needed) an optional category by the council's decision.

    Raises ValidationError and changes nothing when the decision is missing.
    """
    usual_name, usual_evidence, usual_age = USUAL_OPTIONAL.get(kind, ("", "", None))
    cat = None
    if kind != EligibilityCategory.OTHER:
        cat = EligibilityCategory.objects.filter(community=community, kind=kind).first()
    if cat is None:
        cat = EligibilityCategory(community=community, kind=kind, name=name or usual_name,
                                  evidence=evidence or usual_evidence,
                                  age_threshold=age_threshold or usual_age,
                                  order=len(MANDATORY) + list(USUAL_OPTIONAL).index(kind)
                                  if kind in USUAL_OPTIONAL else 99)
    cat.is_active = True
    cat.decision_number = (decision_number or "").strip()
    cat.decision_date = decision_date
    cat.full_clean()
    cat.save()
    return cat


def switch_on_usual_categories(community, *, decision_number, decision_date):
    """The demo's and the tests' council: one decision that adds the usual categories."""
    return [switch_on_category(community, kind, decision_number=decision_number,
                               decision_date=decision_date) for kind in USUAL_OPTIONAL]
