"""zh-Hans and zh-Hant are complete, consistent with the code, and compiled."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "fangkong"
LOCALE = SRC / "locale"
TRANSLATED = ["zh_Hans", "zh_Hant"]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_string_is_translated_and_none_is_fuzzy(language):
    def translated(e: polib.POEntry) -> bool:
        return bool(e.msgstr or (e.msgstr_plural and all(e.msgstr_plural.values())))

    untranslated = [e.msgid for e in catalogue(language) if "fuzzy" in e.flags or not translated(e)]
    assert untranslated == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_every_placeholder(language):
    broken = []
    for entry in catalogue(language):
        wanted = set(PLACEHOLDER.findall(entry.msgid))
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            if text and set(PLACEHOLDER.findall(text)) != wanted:
                broken.append(entry.msgid)
    assert broken == []


def test_traditional_chinese_is_in_traditional_characters():
    simplified_only = set("们这个说来时为对国会发过后还进动样关门问题体经现实无点应")
    offenders = [e.msgid for e in catalogue("zh_Hant") if simplified_only & set(e.msgstr)]
    assert offenders == []


@pytest.mark.parametrize("language", [*TRANSLATED, "en"])
def test_compiled_catalogues_match_their_sources(language):
    po = catalogue(language)
    mo = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, dict(e.msgstr_plural)) for e in mo}
    for entry in po:
        if not entry.msgstr and not any(entry.msgstr_plural.values()):
            continue
        key = (entry.msgctxt, entry.msgid)
        assert key in compiled, f"{language}: not compiled: {entry.msgid!r}; run make messages"
        msgstr, plural = compiled[key]
        expected_plural = {int(k): v for k, v in entry.msgstr_plural.items()}
        assert (msgstr, {int(k): v for k, v in plural.items()}) == (
            entry.msgstr,
            expected_plural,
        ), f"{language}: stale translation for {entry.msgid!r}; run make messages"


def test_the_catalogues_hold_every_string_in_the_code(tmp_path):
    if shutil.which("xgettext") is None:
        if os.environ.get("CI"):
            pytest.fail("xgettext is missing: install gettext")
        pytest.skip("gettext is not installed here; CI installs it")
    copy = tmp_path / "fangkong"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    # The copy is imported as the fangkong package, so that its own locale/ is written.
    env = {**os.environ, "FANGKONG_DEBUG": "1", "PYTHONPATH": str(tmp_path)}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-obsolete",
            "--no-location",
            "--ignore",
            "tests/*",
            "--ignore",
            "settings_test.py",
            "--ignore",
            "static/vendor/*",
            "--settings",
            "fangkong.settings",
        ],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    extracted = {e.msgid for e in polib.pofile(str(copy / "locale/zh_Hans/LC_MESSAGES/django.po"))}
    committed = {e.msgid for e in catalogue("zh_Hans")}
    assert extracted - committed == set(), "new strings: run make messages and translate them"
    assert committed - extracted == set(), "obsolete strings: run make messages"


def test_the_check_writes_nothing_into_the_committed_catalogues(tmp_path):
    before = (LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po").stat().st_mtime_ns
    test_the_catalogues_hold_every_string_in_the_code(tmp_path)
    assert (LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po").stat().st_mtime_ns == before
