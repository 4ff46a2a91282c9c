from django.urls import path

from . import calendar_views, views

app_name = "campaign"
urlpatterns = [
    path("", views.milestones, name="milestones"),
    path("drafts/<int:pk>/", views.draft, name="draft"),
    # The calendar of information occasions (campaign/occasions.py)
    path("calendar/", calendar_views.month, name="calendar"),
    path("calendar/<str:token>.ics", calendar_views.ical, name="ical"),
    path("occasions/", calendar_views.occasion_list, name="occasions"),
    path("occasions/posts/<int:pk>/", calendar_views.post, name="post"),
]
