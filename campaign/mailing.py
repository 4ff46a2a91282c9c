"""The notice mailed to partner organisations (issue 15, seed 000 §2.1): recorded as it was sent, one
outbox e-mail per partner, so a failed send is retried by the worker and its state is seen here."""

from django.db import transaction
from django.utils.translation import gettext as _

from notifications.outbox import MAX_EMAIL_TEXT, enqueue_email

from .actions import CampaignError
from .models import Mailing, MailingReason, MailingRecipient, Partner


@transaction.atomic
def send(community, *, reason, subject, body, partners, user=None):
    """Record the mailing and queue an e-mail to each partner (active, of this community, with an
    address). Returns the Mailing."""
    subject, body = subject.strip(), body.strip()
    if reason not in MailingReason.values:
        raise CampaignError(_("Виберіть привід зі списку."))
    if not subject or not body:
        raise CampaignError(_("Напишіть тему і текст листа."))
    if len(body) > MAX_EMAIL_TEXT:
        raise CampaignError(_("Текст листа задовгий. Скоротіть його."))
    chosen = [p for p in partners if p.community_id == community.pk and p.is_active and p.email]
    if len(chosen) != len(partners) or not chosen:
        raise CampaignError(_("Позначте організації з адресою ел. пошти зі свого списку."))
    mailing = Mailing.objects.create(community=community, sent_by=user, reason=reason, subject=subject, body=body)
    for partner in sorted(chosen, key=lambda p: p.pk):
        message, _created = enqueue_email(
            community=community,
            recipient=partner.email,
            subject=subject,
            text=body,
            dedup_key=f"campaign-mailing:{mailing.pk}:{partner.pk}",
            related=mailing,
        )
        MailingRecipient.objects.create(
            mailing=mailing, partner=partner, name=partner.name, address=partner.email, message=message
        )
    return mailing


def to_call(community):
    """Active partners without an e-mail address: phone them instead."""
    return Partner.objects.filter(community=community, is_active=True, email="")
