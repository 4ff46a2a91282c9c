from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.index, name="index"),
    path("my-conflicts/", views.my_conflicts, name="my_conflicts"),
]
