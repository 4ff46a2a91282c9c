from decimal import Decimal

from ninja import Router, Schema

from .models import Service

router = Router(tags=["catalogue"])


class DocumentOut(Schema):
    id: int
    name: str


class ServiceOut(Schema):
    id: int
    code: str
    diia_id: str
    name_uk: str
    name_en: str
    provider: str
    is_paid: bool
    fee: Decimal
    minutes: int
    term_days: int
    term_kind: str
    mobile_allowed: bool
    documents: list[DocumentOut]

    @staticmethod
    def resolve_provider(obj):
        return str(obj.provider)

    @staticmethod
    def resolve_fee(obj):
        # The fee in force today (fees change by date, e.g. every 1 January).
        return obj.fee_today

    @staticmethod
    def resolve_documents(obj):
        return list(obj.documents.all())


@router.get("/services", response=list[ServiceOut], auth=None)
def list_services(request):
    """The public catalogue: no personal data."""
    return Service.objects.filter(is_active=True).select_related("provider").prefetch_related("documents", "fees")
