from django.urls import path

from . import views

app_name = "journal"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/hand-over/", views.case_hand_over, name="hand_over"),
    path("<int:pk>/decision/", views.case_decision, name="decision"),
    path("<int:pk>/result/", views.case_result, name="result"),
    path("<int:pk>/inventory.pdf", views.case_inventory_pdf, name="inventory_pdf"),
    path("<int:pk>/photos.pdf", views.case_photos_pdf, name="photos_pdf"),
]
