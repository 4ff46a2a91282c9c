from django.urls import path

from . import views

app_name = "quality"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("survey/<int:pk>/", views.survey, name="survey"),
    path("feedback/", views.feedback_list, name="feedback"),
    path("complaints/", views.complaints, name="complaints"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/<int:pk>/", views.complaint, name="complaint"),
    path("complaints/<int:pk>/assign/", views.complaint_assign, name="complaint_assign"),
    path("complaints/<int:pk>/answer/", views.complaint_answer, name="complaint_answer"),
    path("proposals/", views.proposals, name="proposals"),
    path("proposals/<int:pk>/", views.proposal, name="proposal"),
    path("ratings/", views.ratings, name="ratings"),
]
