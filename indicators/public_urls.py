from django.urls import path

from . import public_views as views

app_name = "stats"
urlpatterns = [
    path("<slug:slug>/stats/", views.stats, name="page"),
    path("<slug:slug>/stats/data.json", views.stats_json, name="json"),
    path("<slug:slug>/stats/data.csv", views.stats_csv, name="csv"),
]
