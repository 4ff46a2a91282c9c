from django.urls import path

from . import files_views

app_name = "field_files"
urlpatterns = [
    path("photo/<uuid:pk>/", files_views.photo, name="photo"),
    path("video/<uuid:pk>/", files_views.video, name="video"),
    path("act/<uuid:pk>.pdf", files_views.act_pdf, name="act"),
]
