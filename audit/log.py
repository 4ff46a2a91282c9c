import ipaddress

from core.ratelimit import client_ip

from .models import AccessLog

VIEW = "view"
EDIT = "edit"
API_VIEW = "api_view"
PRINT = "print"

ACTION_LABELS = {VIEW: "перегляд", EDIT: "редагування", API_VIEW: "перегляд через API",
                 PRINT: "маршрутний лист (PDF)"}


def _entry(request, obj, action):
    try:
        ip = str(ipaddress.ip_address(client_ip(request)))
    except ValueError:
        ip = None
    return AccessLog(
        community_id=obj.community_id,
        user=request.user,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_label=str(obj)[:40],
        ip=ip,
        path=request.get_full_path()[:300],
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )


def record_access(request, obj, action=VIEW):
    """Write down that request.user saw `obj`, a record with personal data."""
    entry = _entry(request, obj, action)
    entry.save()
    return entry


def record_access_many(request, objs, action=VIEW):
    """One entry per record, as record_access, for a page or document that shows several people."""
    return AccessLog.objects.bulk_create([_entry(request, obj, action) for obj in objs])
