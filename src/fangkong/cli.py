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
    if args[:1] == ["genkey"] and not any(a in ("-h", "--help") for a in args):
        # A new installation has no keys yet, and the settings refuse to load
        # without them: generating them must not need the settings.
        from fangkong.core.management.commands.genkey import env_lines

        print("\n".join(env_lines(_option(args, "--key-id", "k1"))))
        return
    execute_from_command_line(["fangkong", *args])


def _option(args: list[str], name: str, default: str) -> str:
    for index, arg in enumerate(args):
        if arg == name and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return default


if __name__ == "__main__":
    main()
