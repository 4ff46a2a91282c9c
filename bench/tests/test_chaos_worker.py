"""The worker killed at random moments, for real and small: nothing stuck, sent twice or missing."""

import io

import pytest
from django.core.management import call_command


@pytest.mark.solver  # the worker's planning runs search with PyVRP (in its own process)
def test_chaos_worker_leaves_nothing_stuck_sent_twice_or_missing():
    out = io.StringIO()
    call_command("chaos_worker", runs=3, seed=3, max_wait=4, stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[-1] == "runs=3 stuck=0 duplicated_sms=0 missing_files=0", "\n".join(lines)
    assert "claimed_twice=0" in lines[-4] and "cases=6 missing=[]" == lines[-2]
