from django.urls import path

from . import views

app_name = "visits"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_create, name="create"),
    path("check/", views.intake_check, name="check"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/edit/", views.request_edit, name="edit"),
    path("<int:pk>/location/", views.request_locate, name="locate"),
    path("<int:pk>/decide/", views.request_decide, name="decide"),
    path("<int:pk>/sms/", views.request_sms, name="sms"),
]
