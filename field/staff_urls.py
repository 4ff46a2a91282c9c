from django.urls import path

from . import staff_views

app_name = "field_staff"
urlpatterns = [
    path("", staff_views.attention, name="attention"),
    path("items/<uuid:pk>/apply/", staff_views.apply_item, name="apply"),
    path("items/<uuid:pk>/close/", staff_views.close_item, name="close"),
    path("case-files/<int:case_pk>/retry/", staff_views.retry_case_files, name="retry_case_files"),
    path("acts/<uuid:pk>/close/", staff_views.close_act, name="close_act"),
    path("devices/", staff_views.devices, name="devices"),
    path("payments/", staff_views.payments, name="payments"),
    path("today/<int:pk>/", staff_views.live_today, name="live_today"),
    path("devices/settings/", staff_views.field_settings, name="settings"),
    path("devices/<uuid:pk>/approve/", staff_views.approve, name="approve"),
    path("devices/<uuid:pk>/revoke/", staff_views.revoke, name="revoke"),
]
