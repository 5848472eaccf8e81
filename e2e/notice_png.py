"""Render page 1 of a PDF (such as a release notice) to PNG, to look at it.

    uv run python e2e/notice_png.py notice.pdf notice.png [--dpi 100]

It uses poppler's ``pdftoppm`` (``apt-get install poppler-utils``) when present,
otherwise pypdfium2 (``uv pip install pypdfium2``); nothing else is downloaded.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def with_pdftoppm(pdf: Path, png: Path, dpi: int) -> None:
    # pdftoppm appends ".png" to the name it is given, so render beside and move.
    with tempfile.TemporaryDirectory() as tmp:
        stem = Path(tmp) / "page"
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", pdf, stem],
            check=True,
        )
        shutil.move(stem.with_suffix(".png"), png)


def with_pdfium(pdf: Path, png: Path, dpi: int) -> None:
    import pypdfium2  # type: ignore[import-not-found]

    page = pypdfium2.PdfDocument(pdf)[0]
    page.render(scale=dpi / 72).to_pil().save(png)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", type=Path)
    parser.add_argument("png", type=Path)
    parser.add_argument("--dpi", type=int, default=100)
    args = parser.parse_args()
    if shutil.which("pdftoppm"):
        with_pdftoppm(args.pdf, args.png, args.dpi)
    else:
        with_pdfium(args.pdf, args.png, args.dpi)
    print(args.png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
