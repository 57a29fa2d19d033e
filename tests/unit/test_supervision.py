"""The rules `make run` supervises by: restart delays, and one run per data dir."""

import os

import pytest

from deploy.local.lock import DataDirInUse, hold_data_dir
from deploy.local.supervise import Backoff


def test_restart_delays_double_up_to_the_cap():
    backoff = Backoff(first_s=0.5, max_s=4.0, stable_s=60.0)

    delays = [backoff.after_exit(uptime_s=1.0) for _ in range(6)]

    assert delays == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]


def test_a_child_that_stayed_up_a_while_is_restarted_after_the_first_delay_again():
    backoff = Backoff(first_s=0.5, max_s=30.0, stable_s=60.0)
    for _ in range(5):
        backoff.after_exit(uptime_s=1.0)

    assert backoff.after_exit(uptime_s=61.0) == 0.5
    assert backoff.after_exit(uptime_s=1.0) == 1.0


def test_a_second_hold_on_a_data_dir_is_refused_naming_the_holders_pid(tmp_path):
    held = hold_data_dir(tmp_path)
    try:
        with pytest.raises(DataDirInUse, match=f"PID {os.getpid()}"):
            hold_data_dir(tmp_path)
    finally:
        os.close(held)

    os.close(hold_data_dir(tmp_path))  # released with its descriptor: the next run gets it
