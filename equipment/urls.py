from django.urls import path

from . import views

app_name = "equipment"

urlpatterns = [
    path("", views.devices, name="devices"),
    path("devices/new/", views.device_new, name="device_new"),
    path("devices/<int:pk>/", views.device, name="device"),
    path("devices/<int:pk>/maintenance/", views.maintenance, name="maintenance"),
    path("checklists/", views.checklists, name="checklists"),
    path("checklists/<int:team_pk>/<str:day>/<str:subject>/<str:stage>/", views.checklist, name="checklist"),
    path("report/", views.report, name="report"),
    path("costs/", views.costs_page, name="costs"),
    path("costs/new/", views.expense_new, name="expense_new"),
    path("costs/export/", views.costs_export, name="costs_export"),
    path("reminders/", views.reminders, name="reminders"),
    path("reminders/<int:pk>/done/", views.reminder_done, name="reminder_done"),
]
