"""The ``fangkong`` command: Django's management commands plus fangkong's own.

``fangkong serve``, ``fangkong demo``, ``fangkong createuser``, ``fangkong importunits``,
``fangkong migrate`` … ; ``fangkong help`` lists them all.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    execute_from_command_line(["fangkong", *args])


if __name__ == "__main__":
    main()
