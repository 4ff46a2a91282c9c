from django.urls import path

from . import starosta_views as views

app_name = "starosta"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.new_request, name="new"),
]
