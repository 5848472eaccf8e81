"""``fangkong serve``: collect static files, migrate, then hand the process to granian (WSGI)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
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


def static_sources() -> str:
    """A fingerprint of the static files the finders hold (name, size, time of change)
    and of how they are stored: when it has not changed, what was collected stands."""
    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders

    entries = []
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            stat = os.stat(storage.path(path))
            prefix = getattr(storage, "prefix", None) or ""
            entries.append(f"{prefix}/{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    backend = settings.STORAGES["staticfiles"]["BACKEND"]
    entries.sort()
    entries.append(f"{backend}\0{settings.STATIC_URL}")
    return hashlib.sha256("\n".join(entries).encode()).hexdigest()


def collect_static() -> bool:
    """Collect (and compress) the static files unless the sources are as they were at
    the last collection: compressing them again took a minute on a two-core machine at
    every start. False when nothing needed doing."""
    from django.conf import settings
    from django.contrib.staticfiles.storage import staticfiles_storage

    root = Path(settings.STATIC_ROOT)
    mark = root.with_name(root.name + ".sources")  # beside the files, so never served
    fingerprint = static_sources()
    manifest = getattr(staticfiles_storage, "manifest_name", None)
    collected = (root / manifest).exists() if manifest else root.is_dir()
    if collected and mark.exists() and mark.read_text() == fingerprint:
        return False
    mark.unlink(missing_ok=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    mark.write_text(fingerprint)
    return True


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
        collect_static()
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
