"""A real local HTTP SMS gateway for tests and benchmarks (127.0.0.1 only, random port).

It speaks the provider pattern of ``gateways.HttpSmsGateway``: checks the signature, answers
``{"code": "OK", "message_id": …}``, and drops a message whose ``out_id`` it has already taken
(answering with the first message id), the way providers make resends safe. ``faults`` is a
queue of misbehaviours for the next requests: ``"500"``, ``"timeout"`` (takes the message, then
answers too late), ``"drop"`` (closes the connection without an answer); phones in
``invalid_numbers`` are refused with INVALID_NUMBER.
"""

from __future__ import annotations

import bisect
import json
import socket
import socketserver
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from gridcare.notices.signature import sign


@dataclass
class GatewayState:
    secret: str
    invalid_numbers: set[str] = field(default_factory=set)
    faults: deque[str] = field(default_factory=deque)
    timeout_delay: float = 1.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: int = 0
    handset: Counter[str] = field(default_factory=Counter)  # out_id → messages that reached a phone
    accepted: dict[str, tuple[str, str]] = field(default_factory=dict)  # out_id → (message_id, phone)
    duplicates: int = 0
    accepted_at: list[float] = field(default_factory=list)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    # Headers and body leave in two writes; without this, Nagle and delayed ACKs add 40 ms each.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        return None

    def _answer(self, status: int, payload: dict[str, Any]) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        """``/stats``: what the gateway saw, for a benchmark running it in another process."""
        state = self.server.state
        with state.lock:
            stamps = sorted(state.accepted_at)
            self._answer(
                200,
                {
                    "requests": state.requests,
                    "duplicates": state.duplicates,
                    "accepted": len(state.accepted),
                    "handset_max": max(state.handset.values(), default=0),
                    "busiest_second": busiest_second(stamps),
                    "first": stamps[0] if stamps else None,
                    "last": stamps[-1] if stamps else None,
                },
            )

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        state = self.server.state
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.headers.get("X-Signature") != sign(state.secret, raw):
            self._answer(401, {"code": "BAD_SIGNATURE"})
            return
        message = json.loads(raw)
        message.setdefault("phone", message.get("to", ""))  # the app-push webhook names it "to"
        with state.lock:
            state.requests += 1
            fault = state.faults.popleft() if state.faults else ""
        if fault == "500":
            self._answer(500, {"code": "SERVER_ERROR"})
            return
        if fault == "drop":
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        if message["phone"] in state.invalid_numbers:
            self._answer(200, {"code": "INVALID_NUMBER", "message": "号码无效"})
            return
        message_id = self._take(state, message)
        if fault == "timeout":
            time.sleep(state.timeout_delay)
        self._answer(200, {"code": "OK", "message_id": message_id})

    @staticmethod
    def _take(state: GatewayState, message: dict[str, Any]) -> str:
        out_id = str(message["out_id"])
        with state.lock:
            if out_id in state.accepted:
                state.duplicates += 1
                return state.accepted[out_id][0]
            message_id = f"gw-{len(state.accepted) + 1:08d}"
            state.accepted[out_id] = (message_id, message["phone"])
            state.handset[out_id] += 1
            state.accepted_at.append(time.monotonic())
            return message_id


def busiest_second(sorted_stamps: list[float]) -> int:
    """The most messages taken within any one second."""
    return max(
        (bisect.bisect_left(sorted_stamps, t + 1.0) - i for i, t in enumerate(sorted_stamps)),
        default=0,
    )


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that timed out or a connection dropped on purpose: nothing to report.
        return None


class _Server(_QuietServer):
    state: GatewayState


class _InThread:
    """Serves ``self.server`` from a daemon thread for the length of a ``with`` block."""

    server: _QuietServer
    thread: threading.Thread

    def _thread(self) -> threading.Thread:
        return threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


class LocalSmsGateway(_InThread):
    """``with LocalSmsGateway(secret) as gw: … gw.url …``"""

    server: _Server

    def __init__(self, secret: str, **state: Any) -> None:
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.state = GatewayState(secret=secret, **state)
        self.thread = self._thread()

    @property
    def state(self) -> GatewayState:
        return self.server.state

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/sms/send"

    def receipts(self, *, delivered: bool = True) -> list[dict[str, Any]]:
        """Receipts for every message taken, as the provider would call back with them."""
        with self.state.lock:
            return [
                {"message_id": mid, "out_id": out_id, "status": "delivered" if delivered else "failed"}
                for out_id, (mid, _phone) in self.state.accepted.items()
            ]


@dataclass
class WeChatState:
    app_id: str
    app_secret: str
    expires_in: int = 7200
    unfollowed: set[str] = field(default_factory=set)  # openids answered with 43004
    faults: deque[str] = field(default_factory=deque)  # "500", "busy" (errcode -1)
    lock: threading.Lock = field(default_factory=threading.Lock)
    tokens_issued: int = 0
    token: str = ""
    expired: set[str] = field(default_factory=set)
    expired_answers: int = 0
    messages: list[tuple[str, str]] = field(default_factory=list)  # (openid, content) taken


class _WeChatHandler(_Handler):
    """The two WeChat official-account calls the gateway makes: token and template message."""

    server: _WeChatServer  # type: ignore[assignment]  # typeshed: BaseRequestHandler.server is a BaseServer; only _WeChatServer serves this handler

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        state = self.server.wechat
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        if parts.path != "/cgi-bin/token":
            self._answer(404, {"errcode": 404})
            return
        if query.get("appid") != [state.app_id] or query.get("secret") != [state.app_secret]:
            self._answer(200, {"errcode": 40013, "errmsg": "invalid appid"})
            return
        with state.lock:
            state.tokens_issued += 1
            state.token = f"tok-{state.tokens_issued}"
            self._answer(200, {"access_token": state.token, "expires_in": state.expires_in})

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        state = self.server.wechat
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        parts = urlsplit(self.path)
        token = parse_qs(parts.query).get("access_token", [""])[0]
        if parts.path != "/cgi-bin/message/template/send":
            self._answer(404, {"errcode": 404})
            return
        message = json.loads(raw)
        with state.lock:
            fault = state.faults.popleft() if state.faults else ""
            if fault == "500":
                self._answer(500, {})
                return
            if fault == "busy":
                self._answer(200, {"errcode": -1, "errmsg": "system error"})
                return
            if token in state.expired or token != state.token:
                state.expired_answers += 1
                self._answer(200, {"errcode": 42001, "errmsg": "access_token expired"})
                return
            if message["touser"] in state.unfollowed:
                self._answer(200, {"errcode": 43004, "errmsg": "require subscribe"})
                return
            state.messages.append((message["touser"], message["data"]["content"]["value"]))
            self._answer(200, {"errcode": 0, "errmsg": "ok", "msgid": 1000 + len(state.messages)})


class _WeChatServer(_QuietServer):
    wechat: WeChatState


class LocalWeChatServer(_InThread):
    """``with LocalWeChatServer(app_id, secret) as wx: … wx.base_url …``; ``expire_token()``
    makes the token in use stale, as WeChat does when it is refreshed elsewhere or times out."""

    server: _WeChatServer

    def __init__(self, app_id: str, app_secret: str, **state: Any) -> None:
        self.server = _WeChatServer(("127.0.0.1", 0), _WeChatHandler)
        self.server.wechat = WeChatState(app_id=app_id, app_secret=app_secret, **state)
        self.thread = self._thread()

    @property
    def state(self) -> WeChatState:
        return self.server.wechat

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def expire_token(self) -> None:
        with self.state.lock:
            self.state.expired.add(self.state.token)


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) for one client: EHLO, MAIL, RCPT, DATA, RSET, QUIT."""

    server: LocalSmtpServer

    def _reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self._reply("220 localhost ready")
        recipients: list[str] = []
        while line := self.rfile.readline().decode(errors="replace").strip():
            verb = line[:4].upper()
            if verb in ("EHLO", "HELO"):
                self._reply("250 localhost")
            elif verb == "MAIL":
                recipients = []
                self._reply("250 OK")
            elif verb == "RCPT":
                address = line.split(":", 1)[1].strip(" <>")
                if address in self.server.unknown_mailboxes:
                    self._reply("550 no such mailbox")
                else:
                    recipients.append(address)
                    self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 end with .")
                lines = []
                while (data := self.rfile.readline().decode()) not in (".\r\n", ""):
                    lines.append(data)
                self.server.mails.append((recipients, "".join(lines)))
                self._reply("250 OK queued")
            elif verb == "QUIT":
                self._reply("221 bye")
                return
            else:
                self._reply("250 OK")


class LocalSmtpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SmtpHandler)
        self.mails: list[tuple[list[str], str]] = []
        self.unknown_mailboxes: set[str] = set()
        self.thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def __enter__(self) -> LocalSmtpServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()


def main() -> None:
    """Run the gateway alone: ``python -m gridcare.notices.testing SECRET`` prints its URL."""
    import sys

    gateway = LocalSmsGateway(sys.argv[1])
    print(gateway.url, flush=True)
    gateway.server.serve_forever(poll_interval=0.05)


if __name__ == "__main__":
    main()
