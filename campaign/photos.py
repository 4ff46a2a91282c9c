"""Photos attached to a draft post (issue 15). The file is checked by what it is (Pillow reads it), not
by its name or the type the browser claims; it is stored under MEDIA_ROOT and shown only through a
staff view that checks the role and the community (never a public /media address)."""

import uuid

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from .actions import CampaignError, _delete_file_on_commit
from .models import DraftPhoto, DraftState

# Pillow's format name -> the content type and extension it is stored and served with.
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
MAX_PIXELS = 50_000_000


def max_bytes():
    return getattr(settings, "VALIZA_CAMPAIGN_PHOTO_MAX_BYTES", 10 * 1024 * 1024)


def check_image(upload):
    """The upload's content type if it is a JPEG, PNG or WebP picture of a sane size; else CampaignError."""
    from PIL import Image, UnidentifiedImageError

    if upload is None or not upload.size:
        raise CampaignError(_("Виберіть фото."))
    if upload.size > max_bytes():
        raise CampaignError(
            _("Фото завелике: до %(mb)d МБ. Зменшіть його або виберіть інше.") % {"mb": max_bytes() // (1024 * 1024)}
        )
    try:
        upload.seek(0)
        with Image.open(upload) as img:
            fmt = img.format
            width, height = img.size
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise CampaignError(_("Це не фото або файл пошкоджено. Додайте знімок у форматі JPEG, PNG чи WebP.")) from None
    finally:
        upload.seek(0)
    if fmt not in FORMATS:
        raise CampaignError(_("Цей формат не підходить. Додайте знімок у форматі JPEG, PNG чи WebP."))
    if width * height > MAX_PIXELS:
        raise CampaignError(_("Фото завелике. Зменшіть його розмір."))
    return FORMATS[fmt]


def add_photo(draft, upload, *, person=None, caption="", user=None):
    """Attach a photo; `person` is who is on it (their consent is checked when the draft is marked ready)."""
    if draft.state == DraftState.PUBLISHED:
        raise CampaignError(_("Цей допис уже опубліковано, його не змінюють."))
    if person is not None and person.community_id != draft.milestone.community_id:
        raise CampaignError(_("Цієї людини немає у вашій громаді."))
    content_type, ext = check_image(upload)
    upload.name = f"{uuid.uuid4().hex}.{ext}"
    with transaction.atomic():
        photo = DraftPhoto.objects.create(
            draft=draft,
            file=upload,
            content_type=content_type,
            caption=caption.strip()[:300],
            person=person,
            uploaded_by=user,
        )
        if draft.state == DraftState.READY:
            draft.state = DraftState.DRAFT
            draft.save(update_fields=["state", "updated_at"])
    return photo


@transaction.atomic
def remove_photo(photo):
    if photo.draft.state == DraftState.PUBLISHED:
        raise CampaignError(_("Цей допис уже опубліковано, його не змінюють."))
    _delete_file_on_commit(photo.file)
    photo.delete()
