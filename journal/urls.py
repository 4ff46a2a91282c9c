from django.urls import path

from . import views

app_name = "journal"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/hand-over/", views.case_hand_over, name="hand_over"),
    path("<int:pk>/decision/", views.case_decision, name="decision"),
    path("<int:pk>/result/", views.case_result, name="result"),
    path("<int:pk>/close/", views.case_close, name="close"),
    path("<int:pk>/suspend/", views.case_suspend, name="suspend"),
    path("<int:pk>/resume/", views.case_resume, name="resume"),
    path("<int:pk>/extend/", views.case_extend, name="extend"),
    path("<int:pk>/note/", views.case_note, name="note"),
    path("<int:pk>/correct/", views.case_correct, name="correct"),
    path("<int:pk>/inventory.pdf", views.case_inventory_pdf, name="inventory_pdf"),
    path("<int:pk>/photos.pdf", views.case_photos_pdf, name="photos_pdf"),
]
