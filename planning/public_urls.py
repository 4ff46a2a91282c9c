from django.urls import path

from . import public_views as views

app_name = "points"
urlpatterns = [
    path("<slug:slug>/points/", views.points, name="list"),
    path("<slug:slug>/points/<int:pk>/", views.point_detail, name="detail"),
    path("<slug:slug>/points/book/", views.book, name="book"),
    path("<slug:slug>/points/booked/", views.booked, name="booked"),
    path("<slug:slug>/points/my/", views.manage, name="manage"),
]
