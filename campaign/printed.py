"""The service told on paper and by e-mail (issue 15, seed 000 §1.13 п.7, §2.1): the facts of a
community's mobile office — who can order, the phone, how to order, the request form's address —
for the printed A4 notice and A5 flyer and for the partners' mailing.

The QR code and the request form's address are the schedule notice's own (planning, issue 12)."""

from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _

from core import pdf
from core.forms import display_phone
from eligibility.models import EligibilityCategory
from planning.schedule_views import notice_qr_svg, request_form_url

SIZES = ("a4", "a5")
CSS = "css/campaign-notice.css"


def who_can_order(community):
    """The community's active eligibility categories, in plain words for a notice board."""
    plain = {
        EligibilityCategory.DISABILITY_1: _("люди з інвалідністю I групи"),
        EligibilityCategory.LKK: _("люди, які за висновком лікарів не можуть самі себе обслуговувати"),
        EligibilityCategory.HOSPITAL: _("ті, хто лежить у лікарні"),
        EligibilityCategory.IMMOBILE: _("ті, хто тимчасово не може ходити"),
        EligibilityCategory.REMOTE: _("мешканці віддалених сіл"),
    }
    lines = []
    for category in EligibilityCategory.objects.filter(community=community, is_active=True):
        if category.kind == EligibilityCategory.AGE and category.age_threshold:
            lines.append(_("люди віком від %(n)d років") % {"n": category.age_threshold})
        elif category.kind in plain:
            lines.append(str(plain[category.kind]))
        else:
            lines.append(category.name)
    return lines


def service_name(community):
    return _("Мобільний ЦНАП «Валіза» — %(c)s") % {"c": community.name}


def facts(community, request=None):
    """What the notice, the flyer and the mailing say, from the community's own data."""
    url = request_form_url(community, request)
    return {
        "community": community,
        "service_name": service_name(community),
        "who": who_can_order(community),
        "phone": display_phone(community.phone) if community.phone else "",
        "request_url": url,
        "today": timezone.localdate(),
    }


def notice_html(community, size, request=None, *, for_pdf=False):
    """The notice (size "a4") or flyer ("a5"). The page's CSS is a static file (the staff pages' CSP
    allows no inline style); for WeasyPrint it comes through the static-only fetcher, with the fonts."""
    f = facts(community, request)
    extra = {**pdf.font_context(), "css": pdf.STATIC_SCHEME + CSS} if for_pdf else {"css": static(CSS)}
    return render_to_string(
        "campaign/notice.html",
        {**f, **extra, "for_pdf": for_pdf, "size": size, "qr": notice_qr_svg(f["request_url"])},
    )


def notice_pdf(community, size, request=None):
    return pdf.render_pdf(notice_html(community, size, request, for_pdf=True))


def mailing_text(community, reason, request=None):
    """The subject and body a mailing starts with, for `reason` (a MailingReason value)."""
    from .models import MailingReason

    f = facts(community, request)
    subjects = {
        MailingReason.SCHEDULE: _("Новий графік виїздів мобільного ЦНАП"),
        MailingReason.SERVICE: _("Мобільний ЦНАП: нова послуга"),
        MailingReason.SETTLEMENT: _("Мобільний ЦНАП тепер приїздить і у ваш населений пункт"),
        MailingReason.OTHER: _("Мобільний ЦНАП: оголошення"),
    }
    first = {
        MailingReason.SCHEDULE: _("У мобільного ЦНАП новий графік виїздів."),
        MailingReason.SERVICE: _("Мобільний ЦНАП тепер надає ще одну послугу вдома у людей."),
        MailingReason.SETTLEMENT: _("Мобільний ЦНАП тепер приїздить і в новий населений пункт громади."),
        MailingReason.OTHER: "",
    }
    parts = [_("Добрий день!"), str(first.get(reason, ""))]
    parts.append(
        _(
            "%(name)s: адміністратор ЦНАП приїздить додому до людей, які не можуть самі прийти до ЦНАП, "
            "і оформлює документи на місці."
        )
        % {"name": f["service_name"]}
    )
    if f["who"]:
        parts.append(_("Хто може замовити виїзд:") + "\n" + "\n".join("— " + w for w in f["who"]))
    how = [_("Як замовити:")]
    if f["phone"]:
        how.append(_("— зателефонувати %(p)s;") % {"p": f["phone"]})
    how.append(_("— заповнити заявку: %(u)s") % {"u": f["request_url"]})
    parts.append("\n".join(how))
    parts.append(
        _(
            "Допоможи сусіду! Розкажіть про це людям, з якими ви працюєте: заявку за них може подати сусід, "
            "родич, соціальний працівник або староста. Будь ласка, роздрукуйте оголошення з цього листа "
            "для дошки оголошень."
        )
    )
    parts.append(_("З повагою, ЦНАП громади %(c)s") % {"c": community.name})
    return str(subjects[reason]), "\n\n".join(p for p in parts if p)
