"""The worker killed mid-plan, mid-SMS and mid-PDF, for real and small: nothing stuck, sent twice or
missing."""

import io
import re

import pytest
from django.core.management import call_command


@pytest.mark.solver  # the worker's planning runs search with PyVRP (in its own process)
def test_chaos_worker_leaves_nothing_stuck_sent_twice_or_missing():
    out = io.StringIO()
    call_command("chaos_worker", runs=3, seed=3, stdout=out)
    lines = out.getvalue().strip().splitlines()
    text = "\n".join(lines)
    assert lines[-1] == "runs=3 stuck=0 duplicated_sms=0 missing_files=0", text
    assert re.search(r"kills aimed: \{.*\"planning_\w+\": 1, \"sms_\w+\": 1\}", text), text
    assert "claimed_twice=0" in text and "cases=6 missing=[]" in lines
