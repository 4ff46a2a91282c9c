"""The demo gives the quality officer something to see: a published proposal and a complaint to answer."""

from django.core.management import call_command

from accounts.models import User
from quality.models import Complaint, Proposal


def test_the_demo_has_a_quality_officer_with_a_proposal_and_a_complaint(db):
    call_command("load_demo", quiet=True)
    call_command("load_demo", quiet=True)
    officer = User.objects.get(username="quality")
    assert officer.role == "quality" and (officer.first_name, officer.last_name) == ("Галина", "Відгукова")
    assert Proposal.objects.count() == 2 and Proposal.objects.filter(publish=True, decision="accepted").count() == 1
    complaint = Complaint.objects.get()
    assert complaint.assigned_to == officer and complaint.answered_on is None and complaint.request is not None
