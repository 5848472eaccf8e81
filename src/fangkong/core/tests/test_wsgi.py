"""The served application: what it loads at start is out of the collector's sight."""

from __future__ import annotations

import os
import subprocess
import sys


def test_the_served_application_freezes_what_it_loaded_and_collects_less_often():
    probe = (
        "import gc, fangkong.wsgi; "
        "print(gc.get_freeze_count(), gc.get_threshold()[0], callable(fangkong.wsgi.application))"
    )
    env = {**os.environ, "FANGKONG_DEMO": "1", "DJANGO_SETTINGS_MODULE": "fangkong.settings"}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    frozen, threshold, served = done.stdout.split()
    assert int(frozen) > 10_000  # Django and the apps
    assert int(threshold) == 20_000
    assert served == "True"
