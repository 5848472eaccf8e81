"""The ``fangkong`` console command, run as a new installation would."""

from __future__ import annotations

import os
import subprocess
import sys


def fangkong(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the console command as a new installation would: no FANGKONG_ settings but ``env``."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("FANGKONG_") and k != "DJANGO_SETTINGS_MODULE"
    }
    return subprocess.run(
        [sys.executable, "-c", "from fangkong.cli import main; main()", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_genkey_works_before_any_key_is_configured():
    result = fangkong("genkey")
    assert result.returncode == 0, result.stderr
    names = {line.split("=", 1)[0] for line in result.stdout.splitlines() if "=" in line}
    assert {"FANGKONG_SECRET_KEY", "FANGKONG_FIELD_KEYS", "FANGKONG_BLIND_INDEX_KEY"} <= names


def test_the_settings_refuse_to_start_without_keys_outside_demo_mode():
    result = fangkong("check")
    assert result.returncode != 0
    assert "FANGKONG_SECRET_KEY" in result.stderr


def test_a_malformed_setting_is_refused_with_its_name():
    result = fangkong("check", FANGKONG_DEMO="1", FANGKONG_DEBUG="maybe")
    assert result.returncode != 0
    assert "FANGKONG_DEBUG" in result.stderr
