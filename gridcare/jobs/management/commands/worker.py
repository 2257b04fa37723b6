"""The worker process: runs every recurring job on its schedule (gridcare.jobs.registry)."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gridcare.jobs import services
from gridcare.jobs.models import Outcome, Trigger
from gridcare.jobs.registry import BY_NAME, JOBS, Context
from gridcare.jobs.runner import Worker, execute


class Command(BaseCommand):
    help = "Run every recurring job on its schedule until stopped (SIGINT/SIGTERM); --once JOB runs one job now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", choices=sorted(BY_NAME), metavar="JOB", help="run this job once now and leave")
        parser.add_argument("--list", dest="show_list", action="store_true", help="list the jobs and their schedules")

    def handle(self, *args: Any, once: str | None, show_list: bool, **options: Any) -> None:
        if show_list:
            for spec in JOBS:
                self.stdout.write(f"{spec.name:<28} {spec.schedule_text}")
            return
        if once:
            self._once(once)
            return
        self._serve()

    def _once(self, name: str) -> None:
        services.jobs_ensure(names=BY_NAME)
        run = execute(BY_NAME[name], trigger=Trigger.COMMAND, ctx=Context(once=True))
        if run is None:
            raise CommandError(f"任务 {name} 正在另一个进程中运行，本次未运行。")
        if run.outcome != Outcome.SUCCEEDED:
            raise CommandError(f"任务 {name} 运行失败：{run.error}")
        self.stdout.write(f"{name}: {run.message} ({run.duration_ms} ms)")

    def _serve(self) -> None:
        _log_to_console()
        stop = threading.Event()

        def on_signal(signum: int, frame: FrameType | None) -> None:
            if stop.is_set():
                # A second Ctrl-C: do not wait for the running jobs (their leases expire).
                os._exit(128 + signum)
            self.stdout.write("worker: stopping after the running jobs finish (again to quit at once)")
            stop.set()

        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, on_signal)
        worker = Worker(JOBS, stop=stop)
        worker.start()
        self.stdout.write(f"worker: {len(JOBS)} jobs scheduled (pid {os.getpid()})")
        sys.stdout.flush()
        worker.serve()
        self.stdout.write("worker: stopped")


def _log_to_console() -> None:
    """The worker's own lines (job done, job failed with its traceback) at INFO, whatever LOG_LEVEL."""
    logger = logging.getLogger("gridcare.jobs")
    if logger.level == logging.NOTSET or logger.level > logging.INFO:
        logger.setLevel(logging.INFO)
