import ipaddress

from core.ratelimit import client_ip

from .models import AccessLog

VIEW = "view"
EDIT = "edit"
API_VIEW = "api_view"
PRINT = "print"
EXPORT = "export"

ACTION_LABELS = {VIEW: "перегляд", EDIT: "редагування", API_VIEW: "перегляд через API",
                 PRINT: "маршрутний лист (PDF)", EXPORT: "вивантаження (файл або друк)"}


def _entry(request, obj, action, shared=None):
    return AccessLog(
        community_id=obj.community_id,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_label=str(obj)[:40],
        **(shared or _shared(request, action)),
    )


def _shared(request, action):
    """What every entry of one page view has in common: worked out once for a page of many records."""
    try:
        ip = str(ipaddress.ip_address(client_ip(request)))
    except ValueError:
        ip = None
    return {"user": request.user, "action": action, "ip": ip, "path": request.get_full_path()[:300],
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300]}


def record_access(request, obj, action=VIEW):
    """Write down that request.user saw `obj`, a record with personal data."""
    entry = _entry(request, obj, action)
    entry.save()
    return entry


def record_access_many(request, objs, action=VIEW):
    """One entry per record, as record_access, for a page or document that shows several people."""
    shared = _shared(request, action)
    return AccessLog.objects.bulk_create([_entry(request, obj, action, shared) for obj in objs])


def record_export(request, *, object_type, label, action=EXPORT):
    """Write down that request.user took out many records at once (the journal as XLSX or PDF, a
    hand-over list): one entry for the whole export, with its filter in `label` and in the path
    (the query string carries it), rather than one per record of a year."""
    try:
        ip = str(ipaddress.ip_address(client_ip(request)))
    except ValueError:
        ip = None
    return AccessLog.objects.create(
        community_id=request.user.community_id, user=request.user, action=action, object_type=object_type[:40],
        object_id="", object_label=label[:40], ip=ip, path=request.get_full_path()[:300],
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )
