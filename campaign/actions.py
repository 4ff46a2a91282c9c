"""The drafted posts and the consent to publicity (issue 15). Nothing here publishes anything: staff
copy the text, publish it themselves and record the link."""

import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Draft, DraftPhoto, DraftState, Kind, Milestone, PublicityConsent


class CampaignError(Exception):
    """A refusal, with a message for the person at the screen."""


def valid_consent(person):
    """The person's consent to publicity in force, or None."""
    if person is None:
        return None
    return PublicityConsent.objects.filter(person=person, withdrawn_at__isnull=True).first()


def _figures_lines(milestone):
    f = milestone.figures
    lines = []
    if f.get("services"):
        lines.append(ngettext("надано %(n)d послугу", "надано %(n)d послуг", f["services"]) % {"n": f["services"]})
    if f.get("people"):
        lines.append(ngettext("допомогли %(n)d людині", "допомогли %(n)d людям", f["people"]) % {"n": f["people"]})
    if f.get("visits"):
        lines.append(ngettext("здійснено %(n)d виїзд", "здійснено %(n)d виїздів", f["visits"]) % {"n": f["visits"]})
    return ", ".join(lines)


def compose(draft):
    """The site and social texts of `draft` from its milestone's figures and, with consent, the person's
    story (seed 000 §2: what happened, for whom, who asked, the figures, how to order, the phone)."""
    milestone = draft.milestone
    community = milestone.community
    phone = community.phone or _("телефон ЦНАП")
    what = _("%(title)s: %(day)s у громаді %(c)s.") % {
        "title": milestone.title,
        "day": milestone.happened_on.strftime("%d.%m.%Y"),
        "c": community.name,
    }
    whom = _(
        "Мобільний ЦНАП («Валіза») приїздить додому до людей похилого віку, людей з інвалідністю і тих, "
        "хто не може сам дістатися до ЦНАП."
    )
    asked = _("Допоможи сусіду! Якщо ваш сусід, батьки чи знайомі не можуть прийти самі, подайте заявку за них.")
    figures = _figures_lines(milestone)
    figures = (
        _("Від початку роботи %(since)s: %(f)s.")
        % {
            "since": milestone.figures.get("since", "")[8:10]
            + "."
            + milestone.figures.get("since", "")[5:7]
            + "."
            + milestone.figures.get("since", "")[:4],
            "f": figures,
        }
        if figures
        else ""
    )
    order = _("Як замовити: зателефонуйте %(phone)s або подайте заявку на сайті громади.") % {"phone": phone}
    story = ""
    if draft.person_id:
        person = draft.person
        story = _("Історія: %(name)s, %(place)s.") % {"name": person.applicant_name, "place": person.settlement.name}
        if draft.story:
            story += " " + draft.story
    site = "\n\n".join(x for x in [what, whom, story, asked, figures, order] if x)
    social = " ".join(x for x in [what, story, figures, asked, order] if x)
    return site, social[:2000]


def make_draft(milestone):
    draft = Draft(milestone=milestone)
    draft.site_text, draft.social_text = compose(draft)
    draft.save()
    return draft


def edit(draft, site_text, social_text, story):
    """Staff's own texts. Once they differ from the composed ones, the draft is `edited_by_staff`: a
    consent recorded or withdrawn later never rewrites them silently."""
    if draft.state == DraftState.PUBLISHED:
        raise CampaignError(_("Цей допис уже опубліковано, його не змінюють."))
    draft.story = story if draft.person_id else ""
    if (site_text, social_text) != compose(draft):
        draft.edited_by_staff = True
    draft.site_text, draft.social_text = site_text, social_text
    if draft.remove_name and not mentions(draft, draft.remove_name):
        draft.remove_name = ""
    draft.state = DraftState.DRAFT
    draft.save()


def _name_words(name):
    return [w for w in re.split(r"[\s,.]+", name) if len(w) >= 3]


def mentions(draft, name):
    """Whether the draft's texts still name the person (any part of the name of 3 letters or more)."""
    text = " ".join([draft.site_text, draft.social_text, draft.story]).casefold()
    return any(re.search(r"(?<!\w)" + re.escape(w.casefold()) + r"(?!\w)", text) for w in _name_words(name))


@transaction.atomic
def use_person(draft, person, *, purpose, given_on, taken_by):
    """Record the person's consent to publicity and tell their story in the draft."""
    if person.community_id != draft.milestone.community_id:
        raise CampaignError(_("Цієї людини немає у вашій громаді."))
    if given_on > timezone.localdate():
        raise CampaignError(_("Дата згоди не може бути в майбутньому."))
    if not purpose.strip():
        raise CampaignError(_("Напишіть, для чого людина дала згоду."))
    if draft.state == DraftState.PUBLISHED:
        raise CampaignError(_("Цей допис уже опубліковано, його не змінюють."))
    consent = PublicityConsent.objects.create(
        community_id=person.community_id, person=person, purpose=purpose.strip(), given_on=given_on, taken_by=taken_by
    )
    draft.person, draft.dropped_note, draft.state = person, "", DraftState.DRAFT
    if not draft.edited_by_staff:
        # Texts staff wrote themselves stay theirs: they add the story by hand (the view says so).
        draft.site_text, draft.social_text = compose(draft)
    draft.save()
    return consent


def _delete_file_on_commit(file):
    """The stored file goes once the row's deletion is committed (a rollback keeps both)."""
    storage, name = file.storage, file.name
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def withdraw(consent, now=None):
    """The person withdrew their consent: every unpublished draft telling their story falls back to
    figures only and says why. Returns the drafts changed."""
    now = now or timezone.now()
    if consent.withdrawn_at:
        raise CampaignError(_("Цю згоду вже відкликано."))
    consent.withdrawn_at = now
    consent.save(update_fields=["withdrawn_at"])
    if valid_consent(consent.person):
        return []
    person = consent.person
    day = timezone.localtime(now).strftime("%d.%m.%Y")
    changed, photo_drafts = {}, set()
    for photo in DraftPhoto.objects.filter(person=person).exclude(draft__state=DraftState.PUBLISHED).select_related("draft"):
        changed.setdefault(photo.draft_id, photo.draft)
        photo_drafts.add(photo.draft_id)
        _delete_file_on_commit(photo.file)
        photo.delete()
    for draft in Draft.objects.filter(person=person).exclude(state=DraftState.PUBLISHED):
        changed[draft.pk] = draft
    for draft in changed.values():
        draft.refresh_from_db()
        notes = []
        if draft.person_id == person.pk:
            draft.person, draft.story = None, ""
            if not draft.edited_by_staff:
                draft.site_text, draft.social_text = compose(draft)
                notes.append(_("історію прибрано, у дописі лише цифри"))
            elif mentions(draft, person.applicant_name):
                # Staff's own text is not rewritten: it is blocked until they take the person out.
                draft.remove_name = person.applicant_name
                notes.append(_("текст ви змінювали вручну, тож приберіть із нього історію цієї людини"))
            else:
                notes.append(_("людину прибрано з допису"))
        if draft.pk in photo_drafts:
            notes.append(_("її фото прибрано з допису"))
        draft.state = DraftState.DRAFT
        draft.dropped_note = _("Людина відкликала згоду %(d)s: %(what)s.") % {
            "d": day,
            "what": "; ".join(str(n) for n in notes),
        }
        draft.save()
    return sorted(changed.values(), key=lambda d: d.pk)


def mark_ready(draft):
    if draft.person_id and not valid_consent(draft.person):
        raise CampaignError(
            _("У дописі є історія людини, але її згоди на публікацію немає. Запишіть згоду або приберіть історію.")
        )
    if draft.remove_name:
        raise CampaignError(
            _("Людина відкликала згоду: приберіть із тексту допису її ім'я та історію (%(n)s) і збережіть.")
            % {"n": draft.remove_name}
        )
    for photo in draft.photos.exclude(person=None).select_related("person"):
        if not valid_consent(photo.person):
            raise CampaignError(_("На фото є людина без згоди на публікацію. Запишіть її згоду або видаліть фото."))
    if draft.state == DraftState.PUBLISHED:
        raise CampaignError(_("Цей допис уже опубліковано."))
    draft.state = DraftState.READY
    draft.save()


def mark_published(draft, url, now=None):
    if draft.state != DraftState.READY:
        raise CampaignError(_("Спершу позначте допис як готовий."))
    if draft.person_id and not valid_consent(draft.person):
        raise CampaignError(_("Згоди людини на публікацію немає."))
    if not url.startswith(("http://", "https://")):
        raise CampaignError(_("Вставте посилання на опублікований допис (починається з https://)."))
    draft.state, draft.published_url, draft.published_at = DraftState.PUBLISHED, url, now or timezone.now()
    draft.save()


PREPARATION_TITLES = {
    "memorandum": _("Підписано меморандум про мобільний ЦНАП"),
    "decision": _("Рада ухвалила рішення про мобільний ЦНАП"),
    "suitcase": _("Громада отримала мобільний кейс «Валіза»"),
    "trained": _("Адміністраторів навчено працювати з «Валізою»"),
}


def record_preparation(community, what, day, *, number="", note=""):
    """A preparation-stage event entered by staff: a milestone with its draft. Once per kind (a council
    decision once per number)."""
    from .milestones import record

    if day > timezone.localdate():
        raise CampaignError(_("Дата події не може бути в майбутньому."))
    title = str(PREPARATION_TITLES[what])
    if what == "decision":
        if not number.strip():
            raise CampaignError(_("Вкажіть номер рішення ради."))
        title = _("%(t)s № %(n)s від %(d)s") % {"t": title, "n": number.strip(), "d": day.strftime("%d.%m.%Y")}
    key = f"prep:{what}" + (f":{number.strip()}" if what == "decision" else "")
    milestone, created = record(community, key, Kind.PREPARATION, title, day, {"note": note})
    if not created:
        raise CampaignError(_("Цю подію вже записано."))
    return milestone


__all__ = ["Milestone"]
