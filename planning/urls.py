from django.urls import path

from . import views

app_name = "planning"
urlpatterns = [
    path("", views.board, name="board"),
    path("week/<int:week_pk>/plan/", views.plan_week, name="plan_week"),
    path("week/<int:week_pk>/pin/<int:request_pk>/", views.pin_request, name="pin"),
    path("week/<int:week_pk>/include/<int:request_pk>/", views.include_late, name="include_late"),
    path("plan/<int:pk>/progress/", views.plan_progress, name="progress"),
    path("plan/<int:pk>/cancel/", views.plan_cancel, name="cancel"),
    path("plan/<int:pk>/approve/", views.plan_approve, name="approve"),
    path("plan/<int:pk>/publish/", views.plan_publish, name="publish"),
    path("trip/<int:pk>/sheet.pdf", views.route_sheet, name="route_sheet"),
    path("session/<int:session_pk>/<str:day>/", views.session_bookings, name="session_bookings"),
    path("booking/<int:pk>/cancel/", views.cancel_booking, name="cancel_booking"),
]
