from datetime import date, datetime

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import Field, field_validator

from accounts.access import Capability
from audit.log import API_VIEW, record_access
from core.paging import COUNT_WINDOW, MAX_PAGE, after_cursor, encode_cursor
from core.text import strip_invisible

from . import actions
from .models import RejectReason, Status, VisitRequest

router = Router(tags=["requests"])


class ServiceLine(Schema):
    service_id: int
    name: str
    missing_documents: list[str]


class RequestRow(Schema):
    id: int
    number: str
    status: str
    applicant_name: str
    settlement: str
    eligibility: str
    created_at: datetime


class RequestDetail(RequestRow):
    applicant_birth_date: date
    applicant_phone: str
    requester_name: str
    requester_phone: str
    requester_relation: str
    address: str
    intercom: str
    access_notes: str
    eligibility_reason: str
    reject_reason: str
    payment_method: str
    services: list[ServiceLine]


class Decision(Schema):
    status: Status
    reason: RejectReason | None = None
    # As on the decision form: bounded, and no NUL byte (PostgreSQL cannot store one).
    comment: str = Field("", max_length=2000)

    @field_validator("comment")
    @classmethod
    def no_nul(cls, value):
        if "\x00" in value:
            raise ValueError("Коментар містить недопустимий символ (NUL).")
        return strip_invisible(value, multiline=True)


def _row(req):
    return {
        "id": req.pk, "number": req.number, "status": req.status,
        "applicant_name": req.applicant_name, "settlement": str(req.settlement),
        "eligibility": req.eligibility, "created_at": req.created_at,
    }


# The most rows one page of the API list carries: memory stays flat whatever the community's size.
MAX_PAGE_SIZE = 100


class RequestPage(Schema):
    items: list[RequestRow]
    # Rows counted: exact when count_capped is false, else "at least" (core.paging).
    count: int
    count_capped: bool
    # Give it back as `cursor` for the next page (keyset: as fast at row 900,000 as at row 1).
    next_cursor: str | None


@router.get("", response=RequestPage, auth=Capability("requests.view"))
def list_requests(request, status: Status | None = None, page: int = 1, page_size: int = 50,
                  cursor: str = ""):
    """The community's requests, newest first, paged in the database: by `page` (up to MAX_PAGE) or,
    deeper, by the `cursor` the previous page gave."""
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise HttpError(400, _("Розмір сторінки — від 1 до %(max)d записів.") % {"max": MAX_PAGE_SIZE})
    if not 1 <= page <= MAX_PAGE:
        raise HttpError(400, _("Номер сторінки — від 1 до %(max)d. Далі гортайте за курсором (cursor).")
                        % {"max": MAX_PAGE})
    qs = VisitRequest.objects.for_user(request.auth).select_related("settlement").order_by("-created_at", "-id")
    if status:
        qs = qs.filter(status=status)
    offset = (page - 1) * page_size
    shown = qs
    if cursor:
        if page != 1:
            raise HttpError(400, _("Вкажіть або сторінку, або курсор, не обидва."))
        try:
            shown = after_cursor(qs, cursor)
        except ValueError:
            raise HttpError(400, _("Курсор не розпізнано: почніть з першої сторінки.")) from None
    rows = list(shown[offset:offset + page_size + 1])
    more = len(rows) > page_size
    rows = rows[:page_size]
    limit = offset + page_size + COUNT_WINDOW
    counted = qs.order_by()[:limit].count()
    return {
        "items": [_row(r) for r in rows], "count": counted, "count_capped": counted >= limit,
        "next_cursor": encode_cursor(rows[-1].created_at, rows[-1].pk) if more else None,
    }


@router.get("/{int:pk}", response=RequestDetail, auth=Capability("requests.view"))
def get_request(request, pk: int):
    req = get_object_or_404(VisitRequest.objects.for_user(request.auth).select_related("settlement"), pk=pk)
    record_access(request, req, API_VIEW)
    return {
        **_row(req),
        "applicant_birth_date": req.applicant_birth_date, "applicant_phone": req.applicant_phone,
        "requester_name": req.requester_name, "requester_phone": req.requester_phone,
        "requester_relation": req.requester_relation, "address": req.address,
        "intercom": req.intercom, "access_notes": req.access_notes,
        "eligibility_reason": req.eligibility_reason, "reject_reason": req.reject_reason,
        "payment_method": req.payment_method,
        "services": [
            {"service_id": rs.service_id, "name": rs.service.name,
             "missing_documents": [d.name for d in rs.missing_documents]}
            for rs in req.services.select_related("service").prefetch_related("documents")
        ],
    }


@router.post("/{int:pk}/decision", response=RequestRow, auth=Capability("requests.decide"))
def decide(request, pk: int, decision: Decision):
    req = get_object_or_404(VisitRequest.objects.for_user(request.auth).select_related("settlement"), pk=pk)
    try:
        actions.change_status(
            req, decision.status, by=request.auth,
            reason=decision.reason or "", comment=decision.comment,
        )
    except actions.TransitionError as exc:
        raise HttpError(409, str(exc)) from None
    return _row(req)
