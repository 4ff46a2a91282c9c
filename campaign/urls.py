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

# Partners, the mailing, the printed notice and the drafts' photos (issue 15, part B).
from . import partner_views, photo_views  # noqa: E402

urlpatterns += [
    path("partners/", partner_views.partners, name="partners"),
    path("partners/new/", partner_views.partner_edit, name="partner_new"),
    path("partners/<int:pk>/", partner_views.partner_edit, name="partner_edit"),
    path("mailings/", partner_views.mailings, name="mailings"),
    path("mailings/new/", partner_views.mailing_new, name="mailing_new"),
    path("mailings/<int:pk>/", partner_views.mailing_detail, name="mailing"),
    path("printed/", partner_views.printed_matter, name="printed"),
    path("printed/<str:size>.<str:fmt>", partner_views.notice, name="notice"),
    path("drafts/<int:pk>/photos/", photo_views.photo_add, name="photo_add"),
    path("photos/<int:pk>/", photo_views.photo_file, name="photo"),
    path("photos/<int:pk>/remove/", photo_views.photo_remove, name="photo_remove"),
]
