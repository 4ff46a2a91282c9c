from django.urls import path

from . import public_views as views

app_name = "public"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.community_home, name="community"),
    path("<slug:slug>/request/", views.request_form, name="request"),
    path("<slug:slug>/request/sent/", views.request_done, name="request_done"),
    path("<slug:slug>/status/", views.status_lookup, name="status"),
    path("<slug:slug>/privacy/", views.privacy_notice, name="privacy"),
]
