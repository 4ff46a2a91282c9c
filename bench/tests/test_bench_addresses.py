"""bench_addresses: the register import at scale, rolled back afterwards."""

import io
import re

import pytest
from django.core.management import call_command

from addresses.models import AddressPoint
from communities.models import Community


@pytest.mark.django_db
def test_the_bench_prints_its_line_and_leaves_nothing():
    out = io.StringIO()
    call_command("bench_addresses", "--rows", "1000", stdout=out)
    line = out.getvalue().strip().splitlines()[-1]
    m = re.fullmatch(r"rows=1000 taken=(\d+) refused=(\d+) read_s=[\d.]+ import_s=[\d.]+", line)
    assert m and int(m[1]) + int(m[2]) == 1000 and int(m[2]) == 40
    assert not AddressPoint.objects.exists()
    assert not Community.objects.filter(slug="bench-addresses-throwaway").exists()
