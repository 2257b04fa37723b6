from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from gridcare.notices.models import Channel
from gridcare.notices.services.gateways import gateway_for
from gridcare.notices.services.sender import RoundResult, Sender


class Command(BaseCommand):
    help = "Deliver the notice outbox through the configured gateways; several may run at once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep running, waiting for new messages")
        parser.add_argument(
            "--channel", choices=[c.value for c in Channel], action="append", help="only these channels"
        )
        parser.add_argument("--idle-seconds", type=float, default=2.0, help="pause when nothing is due (with --loop)")

    def handle(self, *args: Any, loop: bool, channel: list[str] | None, idle_seconds: float, **options: Any) -> None:
        self.stopping = threading.Event()
        previous = {}
        if threading.current_thread() is threading.main_thread():
            previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            total = self._run(loop=loop, channels=channel or [c.value for c in Channel], idle_seconds=idle_seconds)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write(
            f"sent {total.sent}, retried {total.retried}, failed {total.failed}, suppressed {total.suppressed}"
        )

    def _run(self, *, loop: bool, channels: list[str], idle_seconds: float) -> RoundResult:
        results = {c: RoundResult() for c in channels}

        def serve(name: str) -> None:
            sender = Sender(gateway=gateway_for(name), channel=name)
            results[name] = sender.run(loop=loop, should_stop=self.stopping.is_set, idle_seconds=idle_seconds)

        def serve_in_thread(name: str) -> None:
            try:
                serve(name)
            finally:
                connection.close()

        if len(channels) == 1:
            serve(channels[0])
        else:
            # One thread per channel, each with its gateway's own connections and pace.
            threads = [threading.Thread(target=serve_in_thread, args=(n,), name=f"send-{n}") for n in channels]
            for thread in threads:
                thread.start()
            for thread in threads:
                while thread.is_alive():
                    thread.join(timeout=0.5)
        total = RoundResult()
        for result in results.values():
            total.add(result)
        return total

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        # Finish the messages in hand and write their outcomes, then leave.
        self.stopping.set()
