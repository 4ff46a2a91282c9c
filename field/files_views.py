"""Staff views of what the field client sent: a document photo, a session video, an incident act.

Each shows a person's personal data, so each view is written to the access log; another
community's file answers 404 like one that does not exist. Videos are the coordinator's only
(`field.video`) and are never cached by the browser; photos and videos answer Range requests
(core/files.py), so a video can be sought without downloading it whole.
"""

import logging

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from accounts.access import staff_required
from accounts.roles import provider_scope
from audit.log import VIEW, record_access, record_access_many
from core.files import missing_page, private_file

from . import documents
from .models import Attachment, IncidentAct

logger = logging.getLogger(__name__)


def _attachment(request, pk, kind):
    attachments = Attachment.objects.select_related("visit__request")
    provider = provider_scope(request.user)
    if provider is not None:
        # A partner specialist: only what was taken at a visit that accepted a service of their provider.
        attachments = attachments.filter(visit__accepted__service__provider_id=provider).distinct()
    return get_object_or_404(attachments, pk=pk, kind=kind, community_id=request.user.community_id)


def _send(request, att):
    """The received file itself, or the range of it a video player seeks to; the person's request and
    the file are both in the access log, for every range too."""
    record_access_many(request, [att, att.visit.request], VIEW)
    content_type = att.content_type.split(";", 1)[0].strip() or "application/octet-stream"
    # The SHA-256 checked on upload names this content exactly: a strong validator for If-Range.
    return private_file(request, att.file, content_type=content_type, filename=att.file.name.rsplit("/", 1)[-1],
                        etag=att.sha256)


@staff_required("journal.view")
def photo(request, pk):
    att = _attachment(request, pk, Attachment.Kind.PHOTO)
    if att.state != Attachment.State.COMPLETE or not att.file:
        return missing_page(request, _("Фото ще не отримано"),
                            _("Це фото ще завантажується з ноутбука виїзду або його відхилено. Спробуйте пізніше."))
    return _send(request, att)


@staff_required("field.video")
def video(request, pk):
    att = _attachment(request, pk, Attachment.Kind.VIDEO)
    if att.state == Attachment.State.PURGED:
        return missing_page(request, _("Відеозапис видалено"),
                            _("Цей відеозапис видалено %(day)s: строк його зберігання (до %(until)s) минув.")
                            % {"day": timezone.localtime(att.purged_at).strftime("%d.%m.%Y") if att.purged_at else "—",
                               "until": att.keep_until.strftime("%d.%m.%Y") if att.keep_until else "—"},
                            status=410)
    if att.state != Attachment.State.COMPLETE or not att.file:
        return missing_page(request, _("Відеозапис ще не отримано"),
                            _("Відеозапис ще завантажується з ноутбука виїзду або його відхилено. Спробуйте пізніше."))
    return _send(request, att)


@staff_required("field.review")
def act_pdf(request, pk):
    act = get_object_or_404(
        IncidentAct.objects.select_related("visit__request__community", "visit__request__settlement", "drawn_up_by"),
        pk=pk, visit__community_id=request.user.community_id,
    )
    try:
        body = documents.incident_act_pdf(act)
    except (ImportError, OSError):
        logger.exception("incident act %s could not be made", act.pk)
        return missing_page(request, _("Акт не вдалося сформувати"),
                            _("На сервері бракує бібліотек для PDF. Повідомте адміністратора системи."), status=503)
    record_access(request, act.visit.request, VIEW)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="act-{act.happened_at:%Y%m%d}-{str(act.pk)[:8]}.pdf"'
    patch_cache_control(response, private=True, no_store=True)
    return response
