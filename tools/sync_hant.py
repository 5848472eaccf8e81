"""Fill the Traditional Chinese catalogue from the Simplified one.

The two scripts carry the same words here (the 2020 reports circulated in both,
converted character by character), so zh_Hant is zh_Hans converted with OpenCC's
Taiwan-standard character table (s2tw, no change of vocabulary). An entry already
translated by hand in zh_Hant and marked with the flag ``hand`` is left alone.

    uv run python tools/sync_hant.py      (``make messages`` runs it)
"""

from __future__ import annotations

import sys
from pathlib import Path

import opencc
import polib

LOCALE = Path(__file__).resolve().parents[1] / "src" / "fangkong" / "locale"


def main() -> int:
    converter = opencc.OpenCC("s2tw")
    hans = polib.pofile(str(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    hant_path = LOCALE / "zh_Hant" / "LC_MESSAGES" / "django.po"
    hant = polib.pofile(str(hant_path))
    source = {(e.msgctxt, e.msgid): e for e in hans}
    missing = 0
    for entry in hant:
        if "hand" in entry.flags:
            continue
        simplified = source.get((entry.msgctxt, entry.msgid))
        if simplified is None or (not simplified.msgstr and not simplified.msgstr_plural):
            missing += 1
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {
                k: converter.convert(v) for k, v in simplified.msgstr_plural.items()
            }
        else:
            entry.msgstr = converter.convert(simplified.msgstr)
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    hant.save(str(hant_path))
    if missing:
        print(f"{missing} entries have no zh_Hans translation yet", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
