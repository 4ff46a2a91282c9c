"""Loaded by every Python process of `make test-dates` (PYTHONPATH): makes time.sleep() safe under
Debian's libfaketime 0.9.10.

`make test-dates` fakes only the wall clock (`faketime --exclude-monotonic`): a faked monotonic clock
makes Python's timed lock waits (sem_clockwait, which libfaketime does not intercept) wait for
decades. But libfaketime's clock_nanosleep() still shifts an absolute CLOCK_MONOTONIC deadline by
the fake offset, so time.sleep() (clock_nanosleep with TIMER_ABSTIME) fails with EINVAL or sleeps
for months. select() takes a relative timeout and is left alone, so sleeping goes through it.
"""

import os
import select
import time

if "faketime" in os.environ.get("LD_PRELOAD", ""):

    def _sleep(secs, _select=select.select):
        if secs < 0:
            raise ValueError("sleep length must be non-negative")
        _select([], [], [], secs)

    time.sleep = _sleep
