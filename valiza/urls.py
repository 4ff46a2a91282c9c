from django.contrib import admin
from django.urls import include, path

from accounts import urls as accounts_urls

from . import views
from .api import api

admin.site.site_header = "Валіза — налаштування"
admin.site.site_title = "Валіза"
admin.site.index_title = "Громади, каталог, категорії, працівники"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # The staff home sends each role to its work in any app, so the project holds it; it keeps its
    # name in the accounts namespace (accounts:home), beside login and logout.
    path("staff/", include((accounts_urls.urlpatterns + [path("", views.home, name="home")], accounts_urls.app_name))),
    path("staff/requests/", include("visits.urls")),
    path("staff/access-log/", include("audit.urls")),
    path("staff/planning/", include("planning.urls")),
    path("staff/outbox/", include("notifications.urls")),
    path("staff/journal/", include("journal.urls")),
    path("staff/quality/", include("quality.urls")),
    path("staff/indicators/", include("indicators.urls")),
    path("staff/campaign/", include("campaign.urls")),
    path("staff/reports/", include("reports.urls")),
    path("staff/equipment/", include("equipment.urls")),
    path("field/", include("field.urls")),
    path("staff/field/files/", include("field.files_urls")),
    path("staff/field/", include("field.staff_urls")),
    path("staff/people/", include("people.urls")),
    path("feedback/", include("quality.public_urls")),
    path("staff/starosta/", include("planning.starosta_urls")),
    path("", include("planning.public_urls")),
    path("", include("planning.schedule_urls")),
    path("", include("indicators.public_urls")),
    path("", include("visits.public_urls")),
]

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
