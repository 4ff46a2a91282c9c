"""Case files built from what the field client sent: the intake inventory PDF and the document
photos as one PDF per case (journal.CaseFile), and the incident act PDF. Owned by the attachments
work (ADR 7).

The inventory and the act are HTML templates (field/templates/field/pdf/) rendered by WeasyPrint
with our own DejaVu fonts, exactly as route sheets are (planning/pdf.py: nothing is fetched but
our static files). The photos PDF uses Pillow alone, already installed with WeasyPrint: each photo
must be decoded anyway to turn it upright (EXIF orientation), drop its metadata (GPS) and scale it
to an A4 page at 150 dpi, which keeps a case's PDF small; img2pdf would embed the phone's originals
as they are (megabytes each) and brings in pikepdf (qpdf) besides.
"""

import hashlib
import io
import json
import logging

from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from planning.pdf import FONTS, STATIC_SCHEME, static_only_fetcher

log = logging.getLogger(__name__)

# A4 at 150 dpi, with 10 mm margins and room for a caption line at the top.
DPI = 150
A4_PX = (1240, 1754)
MARGIN_PX = 59
CAPTION_PX = 40
JPEG_QUALITY = 80


def build_case_files(case_id):
    """Make and keep the case's inventory and photos PDFs; returns the kinds built.

    Cases not accepted through the field client (no AcceptedService) have no files here. The PDFs
    are made outside any transaction: making them takes a while and, on SQLite, a transaction holds
    the only write lock, so the day's syncs would wait behind it. They are stored under the case's
    lock only if what they were made from is still what the database holds; otherwise (a photo
    arrived meanwhile) they are made again.
    """
    from journal.models import CaseFile

    built = set()
    for _attempt in range(3):
        case = _case(case_id)
        accepted = getattr(case, "accepted_service", None) if case else None
        if accepted is None:
            return built
        kept = dict(CaseFile.objects.filter(case=case).values_list("kind", "source"))
        sources, photos = _sources(case, accepted)
        made = {}
        if kept.get(CaseFile.Kind.INVENTORY) != sources[CaseFile.Kind.INVENTORY]:
            made[CaseFile.Kind.INVENTORY] = inventory_pdf(case, accepted)
        if photos and kept.get(CaseFile.Kind.PHOTOS) != sources[CaseFile.Kind.PHOTOS]:
            data, pages = photos_pdf(case, photos)
            if data:
                made[CaseFile.Kind.PHOTOS] = (data, pages)
        if not made:
            return built
        stale = False
        with transaction.atomic():
            # One store of a case at a time: two photos finishing together both rebuild the PDF.
            case = _case(case_id, lock=True)
            now, _photos = _sources(case, case.accepted_service)
            for kind, (data, pages) in made.items():
                if now[kind] != sources[kind]:
                    stale = True
                    continue
                _store(case, kind, data, pages, sources[kind])
                built.add(kind)
        if not stale:
            return built
    return built


def _case(case_id, *, lock=False):
    from journal.models import Case

    cases = Case.objects.select_related("office", "community", "service__provider", "request__settlement",
                                        "accepted_by")
    if lock:
        cases = cases.select_for_update(of=("self",))
    return cases.filter(pk=case_id).first()


def _sources(case, accepted):
    """({kind: hash of what its file is made from}, the photos)."""
    from journal.models import CaseFile

    photos = case_photos(case, accepted.visit)
    return {
        CaseFile.Kind.INVENTORY: _source(render_to_string(
            "field/pdf/inventory.html", inventory_context(case, accepted, printed_at=None))),
        CaseFile.Kind.PHOTOS: _source([case.number, case.applicant_name] + [
            [str(p.pk), p.sha256, (p.taken_at or p.created_at).isoformat()] for p in photos]),
    }, photos


def _source(value):
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _store(case, kind, data, pages, source=""):
    from journal.models import CaseFile

    cf = CaseFile.objects.filter(case=case, kind=kind).first() or CaseFile(case=case, kind=kind)
    old = cf.file.name if cf.file else None
    cf.file.save(f"{case.number}-{kind}.pdf", ContentFile(data), save=False)
    cf.sha256, cf.pages, cf.created_at = hashlib.sha256(data).hexdigest(), pages, timezone.now()
    cf.source = source
    cf.save()
    if old and old != cf.file.name:
        # The old copy goes only once the new row is committed.
        storage, name = cf.file.storage, old
        transaction.on_commit(lambda: storage.delete(name))
    return cf


# -- WeasyPrint documents --------------------------------------------------------------------

def _render(template, context):
    """(PDF bytes, number of pages)."""
    from weasyprint import HTML

    html = render_to_string(template, {
        **context, "font_regular": STATIC_SCHEME + FONTS["regular"], "font_bold": STATIC_SCHEME + FONTS["bold"],
    })
    document = HTML(string=html, url_fetcher=static_only_fetcher()).render()
    return document.write_pdf(), len(document.pages)


def _person_name(user):
    if user is None:
        return ""
    return user.get_full_name() or user.username


def inventory_rows(accepted):
    """The documents as ticked at the door, with names even if the device sent only ids."""
    from catalogue.models import ServiceDocument

    docs = [d for d in (accepted.documents or []) if isinstance(d, dict)]
    ids = [d.get("document_id") for d in docs if isinstance(d.get("document_id"), int)]
    names = dict(ServiceDocument.objects.filter(pk__in=ids).values_list("pk", "name"))
    rows = []
    for d in docs:
        sheets = d.get("sheets")
        rows.append({
            "name": d.get("name") or names.get(d.get("document_id")) or "—",
            "present": bool(d.get("present")),
            "sheets": sheets if isinstance(sheets, int) and not isinstance(sheets, bool) and sheets >= 0 else None,
        })
    return rows


def inventory_context(case, accepted, *, printed_at):
    rows = inventory_rows(accepted)
    return {
        "case": case, "community": case.community, "office": case.office, "request": case.request,
        "rows": rows, "total_sheets": sum(r["sheets"] or 0 for r in rows if r["present"]),
        "administrator": _person_name(case.accepted_by),
        "accepted_at": timezone.localtime(case.accepted_at),
        "printed_at": printed_at,
    }


def inventory_pdf(case, accepted):
    """«Опис вхідного пакета документів» of one case: (PDF bytes, pages)."""
    return _render("field/pdf/inventory.html", inventory_context(case, accepted, printed_at=timezone.localtime()))


def incident_act_pdf(act):
    """The act drawn up at the door (seed 000 §1.9) as PDF bytes."""
    visit = act.visit
    request = visit.request
    office = request.community.offices.order_by("pk").first()
    return _render("field/pdf/incident_act.html", {
        "act": act, "visit": visit, "request": request, "community": request.community, "office": office,
        "administrator": _person_name(act.drawn_up_by),
        "happened_at": timezone.localtime(act.happened_at),
        "printed_at": timezone.localtime(),
    })[0]


# -- photos -----------------------------------------------------------------------------------

def case_photos(case, visit):
    """The visit's received photos for this case: its service's and those for no service, oldest first."""
    from django.db.models import Q

    from .models import Attachment

    return list(visit.attachments.filter(kind=Attachment.Kind.PHOTO, state=Attachment.State.COMPLETE)
                .filter(Q(service=case.service_id) | Q(service__isnull=True))
                .order_by(Coalesce("taken_at", "created_at"), F("created_at"), "pk"))


def _font(size):
    from PIL import ImageFont

    path = finders.find(FONTS["regular"])
    try:
        return ImageFont.truetype(path, size)
    except (OSError, TypeError):
        return ImageFont.load_default()


def _page(photo, caption, font):
    """One A4 page (portrait, or landscape for a landscape photo) as JPEG bytes."""
    from PIL import Image, ImageDraw, ImageOps

    with photo.file.open("rb") as f, Image.open(f) as img:
        img = ImageOps.exif_transpose(img)
        if img.mode != "RGB":
            # Transparent parts of a PNG scan become white paper, not black.
            rgba = img.convert("RGBA")
            img = Image.new("RGB", rgba.size, "white")
            img.paste(rgba, mask=rgba.getchannel("A"))
        landscape = img.width > img.height
        size = (A4_PX[1], A4_PX[0]) if landscape else A4_PX
        box = (size[0] - 2 * MARGIN_PX, size[1] - 2 * MARGIN_PX - CAPTION_PX)
        img.thumbnail(box, Image.Resampling.LANCZOS)
        page = Image.new("RGB", size, "white")
        page.paste(img, ((size[0] - img.width) // 2, MARGIN_PX + CAPTION_PX + (box[1] - img.height) // 2))
    ImageDraw.Draw(page).text((MARGIN_PX, MARGIN_PX // 2), caption, fill="black", font=font)
    out = io.BytesIO()
    page.save(out, "JPEG", quality=JPEG_QUALITY, dpi=(DPI, DPI))
    return out.getvalue()


def photos_pdf(case, photos):
    """The photos as one PDF, a page each: (PDF bytes, pages). Unreadable photos are left out."""
    from PIL import Image

    font = _font(22)
    pages = []
    for n, photo in enumerate(photos, 1):
        taken = timezone.localtime(photo.taken_at or photo.created_at)
        caption = _("Справа %(number)s · %(name)s · фото %(n)d з %(total)d · %(taken)s") % {
            "number": case.number, "name": case.applicant_name, "n": n, "total": len(photos),
            "taken": taken.strftime("%d.%m.%Y %H:%M")}
        try:
            pages.append(_page(photo, caption, font))
        except Exception:  # noqa: BLE001 - one broken file must not keep the others out of the case
            log.exception("photo %s of case %s could not be added", photo.pk, case.pk)
    if not pages:
        return None, 0
    # Opened lazily from JPEG bytes: a page is decoded only when the PDF writer reaches it.
    images = [Image.open(io.BytesIO(p)) for p in pages]
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=DPI, quality=JPEG_QUALITY,
                   title=_("Скани документів — справа %(number)s") % {"number": case.number}, author="Валіза ЦНАП")
    return out.getvalue(), len(pages)
