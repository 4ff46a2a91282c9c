from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("login/code/", views.second_factor, name="second_factor"),
    path("logout/", views.logout, name="logout"),
    path("account/", views.account, name="account"),
    path("account/password/", views.password_change, name="password_change"),
    path("account/second-factor/", views.enrol, name="enrol"),
    path("account/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("team-changes/", views.team_changes, name="team_changes"),
]
