from django.urls import path

from . import schedule_views as views

app_name = "schedule"
urlpatterns = [
    path("<slug:slug>/schedule/", views.community_schedule, name="community"),
    path("<slug:slug>/schedule/<int:pk>/", views.settlement_schedule, name="settlement"),
    path("<slug:slug>/schedule/<int:pk>/notice.pdf", views.settlement_notice, name="notice"),
]
