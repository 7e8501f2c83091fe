"""`kehu serve`: the production server (gunicorn) plus the scheduled sweeps."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections

from kehu.core.sqlite import checkpoint


class Command(BaseCommand):
    help = "Serve Kehu with gunicorn (several workers and threads) and run the scheduled sweeps."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("KEHU_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("KEHU_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("KEHU_WORKERS", "0")) or None)
        parser.add_argument("--threads", type=int, default=int(os.environ.get("KEHU_THREADS", "4")))
        parser.add_argument("--no-sweep", action="store_true", help="Do not run the scheduled sweeps.")

    def handle(self, *args: Any, host: str, port: int, workers: int | None, threads: int,
               no_sweep: bool, **options: Any) -> None:
        from gunicorn.app.base import BaseApplication

        from kehu.wsgi import application

        call_command("migrate", interactive=False, verbosity=0)
        # gunicorn forks the workers from this process, and a SQLite connection must not
        # cross a fork: SQLite keeps its locks per process, and a worker would inherit this
        # one's bookkeeping of them.
        connections.close_all()
        checkpoint.close_connections()
        workers = workers or max(2, (os.cpu_count() or 1) + 1)
        sweeper = None
        if not no_sweep:
            sweeper = subprocess.Popen([sys.executable, "-m", "kehu.cli", "sweep", "--loop"])

        class App(BaseApplication):
            def load_config(self) -> None:
                for key, value in {
                    "bind": f"{host}:{port}", "workers": workers, "threads": threads,
                    "worker_class": "gthread", "accesslog": None, "timeout": 120,
                }.items():
                    self.cfg.set(key, value)

            def load(self) -> Any:
                return application

        self.stdout.write(f"Kehu serving on http://{host}:{port} ({workers} workers × {threads} threads)")
        try:
            App().run()
        finally:
            if sweeper is not None:
                sweeper.terminate()
