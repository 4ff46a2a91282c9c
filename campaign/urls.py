from django.urls import path

from . import views

app_name = "campaign"
urlpatterns = [
    path("", views.milestones, name="milestones"),
    path("drafts/<int:pk>/", views.draft, name="draft"),
]
