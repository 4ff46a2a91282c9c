from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("<str:token>/", views.public_feedback, name="form"),
]
