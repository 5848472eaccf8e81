"""Settings for the test suite: the real settings, plus speed where security is not under test."""

import os

os.environ.setdefault("FANGKONG_TESTING", "1")

from fangkong.settings import *  # noqa: F403
from fangkong.settings import PASSWORD_HASHERS as _REAL_HASHERS

# Argon2 is the configured hasher (tested in accounts/tests); the suite hashes
# hundreds of passwords, so it uses a fast one.
PRODUCTION_PASSWORD_HASHERS = _REAL_HASHERS
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LANGUAGE_CODE = "zh-hans"
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
# Tasks run where they are enqueued (on commit), so a test sees their effect.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Every count afresh, whatever the machine's speed (the tests of core.kept turn it on).
FANGKONG_KEEP_SLOWER_THAN = None
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
