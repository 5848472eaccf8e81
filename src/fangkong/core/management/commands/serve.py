"""``fangkong serve``: collect static files, migrate, then hand the process to granian (WSGI)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections


def default_workers() -> int:
    # One worker per core: more workers than cores lost a third of the throughput (DESIGN.md).
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def granian_argv(*, host: str, port: int, workers: int, threads: int | None) -> list[str]:
    """The granian command line. Static files stay with WhiteNoise (already in the
    middleware), which sends them compressed with the right cache headers; granian's
    own static serving does neither, and field offices are on slow links."""
    argv = [sys.executable, "-m", "granian"]
    binary = shutil.which("granian", path=os.path.dirname(sys.executable))
    if binary:
        argv = [binary]
    argv += [
        "--interface", "wsgi",
        "--host", host,
        "--port", str(port),
        "--workers", str(workers),
    ]  # fmt: skip
    if threads:
        argv += ["--blocking-threads", str(threads)]
    argv.append("fangkong.wsgi:application")
    return argv


class Command(BaseCommand):
    help = (
        "Serve fangkong: collect static files, migrate, then run granian "
        "(WSGI, one worker per core)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)"
        )
        parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="worker processes (default: the number of cores)",
        )
        # granian's default, 256 threads a worker, gave no more throughput than 8 here
        # and a longer latency tail, and every thread holds its own SQLite connection
        # (docs/performance.md, "Server threads").
        parser.add_argument(
            "--threads", type=int, default=8, help="threads per worker (default: 8)"
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not start the background task worker (run `fangkong db_worker` yourself)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="prepare, print the server command, do not run it",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1 or not 0 < options["port"] < 65536:
            raise CommandError("workers must be at least 1 and the port between 1 and 65535")
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("migrate", interactive=False, verbosity=max(0, options["verbosity"] - 1))
        argv = granian_argv(
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            threads=options["threads"],
        )
        self.stdout.write(
            f"fangkong on http://{options['host']}:{options['port']}/ "
            f"({options['workers']} workers): {' '.join(argv)}"
        )
        if options["dry_run"]:
            return
        self.stdout.flush()
        self.stderr.flush()
        # The server process starts from nothing: no database handle leaks into it.
        connections.close_all()
        if not options["no_worker"]:
            # Imports run in the background: one task worker beside the server, in the same
            # process group, so that Ctrl-C stops both.
            worker = [sys.executable, "-m", "fangkong.cli", "db_worker", "--verbosity", "0"]
            subprocess.Popen(worker, env={**os.environ})
            self.stdout.write("background tasks: fangkong db_worker started")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
        os.execv(argv[0], argv)
