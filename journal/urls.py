from django.urls import path

from . import views

app_name = "journal"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("terms/", views.term_list, name="terms"),
    path("providers/", views.provider_overview, name="providers"),
    path("refusals/", views.refusal_report, name="refusals"),
    path("paper/", views.journal_paper, name="paper"),
    path("hand-over-list/", views.handover_list, name="handover_list"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/hand-over/", views.case_hand_over, name="hand_over"),
    path("<int:pk>/decision/", views.case_decision, name="decision"),
    path("<int:pk>/result/", views.case_result, name="result"),
    path("<int:pk>/received/", views.case_received, name="received"),
    path("<int:pk>/delivery/", views.case_choose_delivery, name="choose_delivery"),
    path("<int:pk>/repeat-visit/", views.case_repeat_visit, name="repeat_visit"),
    path("<int:pk>/close/", views.case_close, name="close"),
    path("<int:pk>/suspend/", views.case_suspend, name="suspend"),
    path("<int:pk>/resume/", views.case_resume, name="resume"),
    path("<int:pk>/extend/", views.case_extend, name="extend"),
    path("<int:pk>/note/", views.case_note, name="note"),
    path("<int:pk>/correct/", views.case_correct, name="correct"),
    path("<int:pk>/inventory.pdf", views.case_inventory_pdf, name="inventory_pdf"),
    path("<int:pk>/photos.pdf", views.case_photos_pdf, name="photos_pdf"),
]
