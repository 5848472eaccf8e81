"""Finding the Noto CJK font the phone image is drawn with (the PDF finds it by fontconfig).

``settings.FANGKONG_CJK_FONT`` may name a font file ("path" or "path#index" for a
collection); otherwise fontconfig is asked for Noto Sans CJK, and failing that Debian's
``fonts-noto-cjk`` path is tried. A missing font is a clear error, not tofu boxes.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEBIAN = {
    False: Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    True: Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
}
# The faces of the collection, in fonts-noto-cjk's order: JP, KR, SC, TC, HK.
COLLECTION_INDEX = {"SC": 2, "TC": 3}


class FontMissing(ImproperlyConfigured):
    pass


def script_of(language: str) -> str:
    """Traditional characters for zh-Hant, Simplified ones (and their Latin) otherwise."""
    return "TC" if language.lower().startswith("zh-hant") else "SC"


def _fontconfig(family: str, bold: bool) -> tuple[str, int] | None:
    binary = shutil.which("fc-match")
    if binary is None:
        return None
    pattern = f"{family}:style={'Bold' if bold else 'Regular'}"
    try:
        found = subprocess.run(
            [binary, "-f", "%{file}\t%{index}\t%{family}", pattern],
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    parts = found.split("\t")
    # fc-match always answers with something: only the family asked for will do.
    if len(parts) < 3 or family not in parts[2] or not Path(parts[0]).is_file():
        return None
    return parts[0], int(parts[1] or 0)


@functools.cache
def cjk_font(script: str = "SC", bold: bool = False) -> tuple[str, int]:
    """(file, index in the collection) of Noto Sans CJK for ``script`` ("SC" or "TC")."""
    configured = str(getattr(settings, "FANGKONG_CJK_FONT", "") or "")
    if configured:
        path, _sep, index = configured.partition("#")
        if not Path(path).is_file():
            raise FontMissing(f"FANGKONG_CJK_FONT names no file: {path}")
        return path, int(index or 0)
    found = _fontconfig(f"Noto Sans CJK {script}", bold)
    if found is not None:
        return found
    for debian in (DEBIAN[bold], DEBIAN[False]):
        if debian.is_file():
            return str(debian), COLLECTION_INDEX.get(script, 2)
    raise FontMissing(
        "No Noto Sans CJK font was found for the bulletin's image: install fonts-noto-cjk "
        "(Debian) or set FANGKONG_CJK_FONT to a CJK font file."
    )
