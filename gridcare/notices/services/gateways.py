"""Channels behind one interface (NOTE-1). A gateway opens connections; a connection sends one
message at a time and says whether the gateway took it, whether to retry, or that it never will.

Which gateway serves a channel is configuration (settings.GRIDCARE_NOTICES), never code:
console (default), an HTTP SMS provider, SMTP e-mail, an app-push webhook, or WeChat
official-account template messages.
"""

from __future__ import annotations

import contextlib
import fcntl
import http.client
import json
import logging
import smtplib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from enum import StrEnum
from pathlib import Path
from typing import Any, BinaryIO, ClassVar, Protocol
from urllib.parse import urlencode, urlsplit

from django.conf import settings

from gridcare.core.privacy import mask_text
from gridcare.notices.models import Channel
from gridcare.notices.signature import sign

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outgoing:
    notice_id: int
    channel: str
    recipient: str
    body: str


class Outcome(StrEnum):
    ACCEPTED = "accepted"  # the gateway took it; a receipt may follow
    RETRY = "retry"  # temporary: 5xx, timeout, dropped connection, throttled
    REJECTED = "rejected"  # permanent: will never go through as it is


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    message_id: str = ""
    error: str = ""
    # The recipient itself is wrong (empty or invalid number, unknown mailbox): feeds contact accuracy.
    bad_recipient: bool = False


class Connection(Protocol):
    def send(self, message: Outgoing) -> SendResult: ...

    def close(self) -> None: ...


class Gateway(Protocol):
    name: str
    rate: int  # messages per second one connection may carry
    connections: int

    def connect(self) -> Connection: ...


# -- console / file -----------------------------------------------------------------------------
class ConsoleConnection:
    """The built-in gateway: one JSON line per message in a file (or the log). Like a well-behaved
    provider it drops a message whose ``out_id`` (the notice id) it has already taken, across
    connections and processes (the file is locked while it is read and appended), and notes each
    dropped repeat in ``<file>.repeats`` so a crash drill can count them (issue 21)."""

    _lock = threading.Lock()
    # Per file: how far it has been read, and the ids in it (shared by the connections of a process).
    _seen: ClassVar[dict[str, tuple[int, set[int]]]] = {}

    def __init__(self, path: str) -> None:
        self.path = path

    def send(self, message: Outgoing) -> SendResult:
        # A file or log is not the customer's phone: personal numbers are masked in it (SEC-2).
        line = json.dumps(
            {
                "id": message.notice_id,
                "channel": message.channel,
                "to": mask_text(message.recipient),
                "body": mask_text(message.body),
            },
            ensure_ascii=False,
        )
        if self.path:
            with self._lock, Path(self.path).open("a+b") as out:
                fcntl.flock(out, fcntl.LOCK_EX)  # another sender process appends to it too
                if message.notice_id in self._taken(out):
                    with Path(self.path + ".repeats").open("a", encoding="utf-8") as repeats:
                        repeats.write(f"{message.notice_id}\n")
                else:
                    out.write((line + "\n").encode())
                    out.flush()
                    self._seen[self.path][1].add(message.notice_id)
                    self._seen[self.path] = (out.tell(), self._seen[self.path][1])
        else:
            log.info("notice %s", line)
        return SendResult(Outcome.ACCEPTED, message_id=f"console-{message.notice_id}")

    def _taken(self, out: BinaryIO) -> set[int]:
        """The ids in the file, reading only what was appended since this process last looked; a
        line a killed writer left unfinished is ended first, so the next line stands on its own."""
        offset, ids = self._seen.get(self.path, (0, set()))
        end = out.seek(0, 2)
        if end < offset:  # the file was emptied or replaced: read it again
            offset, ids = 0, set()
        out.seek(offset)
        for text in out:
            try:
                ids.add(int(json.loads(text)["id"]))
            except (ValueError, KeyError, TypeError):
                continue  # a line cut off by a kill mid-write, or not ours
        if end and (out.seek(end - 1), out.read(1))[1] != b"\n":
            out.write(b"\n")
        self._seen[self.path] = (out.seek(0, 2), ids)
        return ids

    def close(self) -> None:
        return None


@dataclass
class PacedGateway:
    """What every gateway has: its name on the outbox rows, its rate per connection (messages a
    second) and how many connections the sender opens."""

    name: str
    rate: int
    connections: int


@dataclass
class ConsoleGateway(PacedGateway):
    path: str = ""

    def connect(self) -> Connection:
        return ConsoleConnection(self.path)


# -- SMS over HTTP ------------------------------------------------------------------------------
# Provider answer codes that say the message will never go through as it is.
PERMANENT_CODES = frozenset({"INVALID_NUMBER", "BLACKLISTED", "CONTENT_REJECTED", "SIGNATURE_REJECTED"})
BAD_NUMBER_CODES = frozenset({"INVALID_NUMBER", "BLACKLISTED"})


class KeptAlive:
    """One kept-alive HTTP(S) connection to the host of ``url``: opened on first use, and opened
    again after ``close`` (a network error closes it)."""

    def __init__(self, url: str, timeout: float) -> None:
        parts = urlsplit(url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.path = parts.path
        self.https = parts.scheme == "https"
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None

    def get(self) -> http.client.HTTPConnection:
        if self.conn is None:
            cls = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
            self.conn = cls(self.host, self.port, timeout=self.timeout)
        return self.conn

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        """The answer's status and whole body. A network error (NETWORK_ERRORS) closes the
        connection, so that the next request opens a new one, and is raised."""
        conn = self.get()
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.read()
        except NETWORK_ERRORS:
            self.close()
            raise

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


# Timeouts, refused and dropped connections: the message is tried again later.
NETWORK_ERRORS = (OSError, http.client.HTTPException)


def _retry_later(exc: Exception) -> SendResult:
    return SendResult(Outcome.RETRY, error=f"{type(exc).__name__}: {exc}"[:300])


class HttpSmsConnection:
    """One kept-alive HTTP connection to the SMS provider.

    Request: signed JSON POST ``{app_key, timestamp, phone, content, sign_name, out_id}`` with
    ``X-Signature``; ``out_id`` is our notice id, which the provider uses to drop a message it
    has already taken (a resend after a sender died mid-batch). Answer:
    ``{"code": "OK", "message_id": …}`` or an error code.
    """

    def __init__(self, gateway: HttpSmsGateway) -> None:
        self.gateway = gateway
        self.http = KeptAlive(gateway.url, gateway.timeout)
        self.path = self.http.path or "/"

    def send(self, message: Outgoing) -> SendResult:
        payload = {
            "app_key": self.gateway.app_key,
            "timestamp": int(time.time()),
            "phone": message.recipient,
            "content": message.body,
            "sign_name": self.gateway.sign_name,
            "out_id": str(message.notice_id),
        }
        body = json.dumps(payload, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8", "X-Signature": sign(self.gateway.secret, body)}
        try:
            status, raw = self.http.request("POST", self.path, body, headers)
        except NETWORK_ERRORS as exc:
            return _retry_later(exc)
        return self._result(status, raw)

    @staticmethod
    def _result(status: int, raw: bytes) -> SendResult:
        if status == 429 or status >= 500:
            return SendResult(Outcome.RETRY, error=f"HTTP {status}")
        try:
            answer: dict[str, Any] = json.loads(raw or b"{}")
        except ValueError:
            return SendResult(Outcome.RETRY, error=f"HTTP {status}: unreadable answer")
        code = str(answer.get("code", ""))
        if status == 200 and code == "OK" and answer.get("message_id"):
            return SendResult(Outcome.ACCEPTED, message_id=str(answer["message_id"]))
        error = f"HTTP {status} {code} {answer.get('message', '')}".strip()[:300]
        if code in PERMANENT_CODES:
            return SendResult(Outcome.REJECTED, error=error, bad_recipient=code in BAD_NUMBER_CODES)
        if 400 <= status < 500:
            return SendResult(Outcome.REJECTED, error=error)
        return SendResult(Outcome.RETRY, error=error)

    def close(self) -> None:
        self.http.close()


@dataclass
class HttpSmsGateway(PacedGateway):
    url: str
    app_key: str
    secret: str
    sign_name: str
    timeout: float

    def connect(self) -> Connection:
        return HttpSmsConnection(self)


# -- e-mail over SMTP ---------------------------------------------------------------------------
class SmtpConnection:
    def __init__(self, gateway: SmtpGateway) -> None:
        self.gateway = gateway
        self.smtp: smtplib.SMTP | None = None

    def _open(self) -> smtplib.SMTP:
        if self.smtp is None:
            g = self.gateway
            smtp = smtplib.SMTP(g.host, g.port, timeout=g.timeout)
            if g.starttls:
                smtp.starttls()
            if g.user:
                smtp.login(g.user, g.password)
            self.smtp = smtp
        return self.smtp

    def send(self, message: Outgoing) -> SendResult:
        mail = EmailMessage()
        mail["From"] = self.gateway.sender
        mail["To"] = message.recipient
        mail["Subject"] = message.body[:30]
        mail["Message-ID"] = message_id = make_msgid(idstring=str(message.notice_id))
        mail.set_content(message.body)
        try:
            self._open().send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            return SendResult(Outcome.REJECTED, error=str(exc)[:300], bad_recipient=True)
        except smtplib.SMTPResponseException as exc:
            self.close()
            outcome = Outcome.REJECTED if 500 <= exc.smtp_code < 600 else Outcome.RETRY
            return SendResult(outcome, error=f"SMTP {exc.smtp_code}"[:300])
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            return SendResult(Outcome.RETRY, error=f"{type(exc).__name__}: {exc}"[:300])
        return SendResult(Outcome.ACCEPTED, message_id=message_id)

    def close(self) -> None:
        if self.smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.smtp.quit()
            self.smtp = None


@dataclass
class SmtpGateway(PacedGateway):
    host: str
    port: int
    user: str
    password: str
    starttls: bool
    sender: str
    timeout: float = 10

    def connect(self) -> Connection:
        return SmtpConnection(self)


# -- app push through a webhook -----------------------------------------------------------------
class WebhookConnection:
    """POST ``{"to": <device or user id>, "body", "out_id"}`` signed like the SMS gateway;
    2xx is taken, 404/410 means the device is gone, 5xx and network errors are retried."""

    def __init__(self, gateway: WebhookPushGateway) -> None:
        self.sms = HttpSmsConnection(
            HttpSmsGateway(gateway.name, gateway.rate, 1, gateway.url, "", gateway.secret, "", gateway.timeout)
        )

    def send(self, message: Outgoing) -> SendResult:
        body = json.dumps(
            {"to": message.recipient, "body": message.body, "out_id": str(message.notice_id)}, ensure_ascii=False
        ).encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-Signature": sign(self.sms.gateway.secret, body),
        }
        try:
            status, _answer = self.sms.http.request("POST", self.sms.path, body, headers)
        except NETWORK_ERRORS as exc:
            return _retry_later(exc)
        if 200 <= status < 300:
            return SendResult(Outcome.ACCEPTED, message_id=f"push-{message.notice_id}")
        if status in (404, 410):
            return SendResult(Outcome.REJECTED, error=f"HTTP {status}", bad_recipient=True)
        if status == 429 or status >= 500:
            return SendResult(Outcome.RETRY, error=f"HTTP {status}")
        return SendResult(Outcome.REJECTED, error=f"HTTP {status}")

    def close(self) -> None:
        self.sms.close()


@dataclass
class WebhookPushGateway(PacedGateway):
    url: str
    secret: str
    timeout: float = 10

    def connect(self) -> Connection:
        return WebhookConnection(self)


# -- WeChat official-account template messages (微信公众号模板消息) -----------------------------
# errcode values of the WeChat API: the access token is stale (fetch a new one and try again);
# the follower cannot be reached (unfollowed, unknown openid, refuses messages); the request can
# never succeed as it is (template or arguments); everything else is taken as temporary.
WECHAT_TOKEN_EXPIRED = frozenset({40001, 40014, 42001})
WECHAT_BAD_RECIPIENT = frozenset({40003, 43004, 43101})
WECHAT_PERMANENT = frozenset({40037, 47003}) | WECHAT_BAD_RECIPIENT


class WeChatTokens:
    """Access tokens, one per (base URL, app id), shared by every connection of the process and
    kept until shortly before they expire (WeChat gives 7,200 s and limits how often a token may
    be fetched, so each connection fetching its own would soon be refused)."""

    MARGIN_SECONDS = 300

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokens: dict[tuple[str, str], tuple[str, float]] = {}

    def get(self, key: tuple[str, str], fetch: Callable[[], tuple[str, int]]) -> str:
        with self._lock:
            token, until = self._tokens.get(key, ("", 0.0))
            if token and time.monotonic() < until:
                return token
            token, expires_in = fetch()
            self._tokens[key] = (token, time.monotonic() + max(0, expires_in - self.MARGIN_SECONDS))
            return token

    def invalidate(self, key: tuple[str, str], token: str) -> None:
        """Forget ``token`` (the provider said it expired) unless another connection already
        replaced it."""
        with self._lock:
            if self._tokens.get(key, ("", 0.0))[0] == token:
                del self._tokens[key]

    def clear(self) -> None:
        with self._lock:
            self._tokens.clear()


WECHAT_TOKENS = WeChatTokens()


class WeChatTokenError(Exception):
    pass


class WeChatConnection:
    """One kept-alive HTTP connection to the WeChat API.

    Token: ``GET {base}/cgi-bin/token?grant_type=client_credential&appid=…&secret=…`` →
    ``{"access_token", "expires_in"}``. Message: ``POST {base}/cgi-bin/message/template/send?
    access_token=…`` with ``{"touser": openid, "template_id", "data": {"content": {"value": body}}}``
    → ``{"errcode": 0, "msgid": …}``. A token-expired answer fetches a new token and sends once more.
    """

    def __init__(self, gateway: WeChatGateway) -> None:
        self.gateway = gateway
        self.http = KeptAlive(gateway.base_url, gateway.timeout)
        self.prefix = self.http.path.rstrip("/")
        self.key = (gateway.base_url, gateway.app_id)

    def _request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, dict[str, Any]]:
        headers = {"Content-Type": "application/json; charset=utf-8"} if body is not None else {}
        status, raw = self.http.request(method, self.prefix + path, body, headers)
        try:
            answer = json.loads(raw or b"{}")
        except ValueError:
            answer = {}
        return status, answer if isinstance(answer, dict) else {}

    def _fetch_token(self) -> tuple[str, int]:
        g = self.gateway
        query = urlencode({"grant_type": "client_credential", "appid": g.app_id, "secret": g.app_secret})
        status, answer = self._request("GET", f"/cgi-bin/token?{query}")
        token = str(answer.get("access_token", ""))
        if status != 200 or not token:
            raise WeChatTokenError(f"token: HTTP {status} {answer.get('errcode', '')} {answer.get('errmsg', '')}")
        return token, int(answer.get("expires_in", 7200))

    def send(self, message: Outgoing) -> SendResult:
        body = json.dumps(
            {
                "touser": message.recipient,
                "template_id": self.gateway.template_id,
                "data": {"content": {"value": message.body}},
            },
            ensure_ascii=False,
        ).encode()
        try:
            for attempt in (1, 2):
                token = WECHAT_TOKENS.get(self.key, self._fetch_token)
                path = f"/cgi-bin/message/template/send?{urlencode({'access_token': token})}"
                status, answer = self._request("POST", path, body)
                code = int(answer.get("errcode", 0 if status == 200 and "msgid" in answer else -1))
                if code in WECHAT_TOKEN_EXPIRED and attempt == 1:
                    WECHAT_TOKENS.invalidate(self.key, token)
                    continue
                break
        except (*NETWORK_ERRORS, WeChatTokenError) as exc:
            self.close()
            return _retry_later(exc)
        error = f"HTTP {status} errcode {code} {answer.get('errmsg', '')}".strip()[:300]
        if status == 200 and code == 0 and answer.get("msgid") is not None:
            return SendResult(Outcome.ACCEPTED, message_id=f"wx-{answer['msgid']}")
        if status == 200 and code in WECHAT_PERMANENT:
            return SendResult(Outcome.REJECTED, error=error, bad_recipient=code in WECHAT_BAD_RECIPIENT)
        return SendResult(Outcome.RETRY, error=error)

    def close(self) -> None:
        self.http.close()


@dataclass
class WeChatGateway(PacedGateway):
    base_url: str
    app_id: str
    app_secret: str
    template_id: str
    timeout: float = 10

    def connect(self) -> Connection:
        return WeChatConnection(self)


# -- configuration ------------------------------------------------------------------------------
def gateway_for(channel: str) -> Gateway:
    """The gateway configured for ``channel`` (settings.GRIDCARE_NOTICES)."""
    conf: dict[str, Any] = settings.GRIDCARE_NOTICES
    connections = max(1, int(conf["SMS_CONNECTIONS"]))
    if channel == Channel.SMS and conf["SMS_GATEWAY"] == "http":
        return HttpSmsGateway(
            name="sms-http",
            rate=int(conf["SMS_RATE"]),
            connections=connections,
            url=conf["SMS_URL"],
            app_key=conf["SMS_APP_KEY"],
            secret=conf["SMS_SECRET"],
            sign_name=conf["SMS_SIGN_NAME"],
            timeout=float(conf["SMS_TIMEOUT_SECONDS"]),
        )
    if channel == Channel.EMAIL and conf["EMAIL_GATEWAY"] == "smtp":
        return SmtpGateway(
            name="email-smtp",
            rate=int(conf["EMAIL_RATE"]),
            connections=1,
            host=conf["SMTP_HOST"],
            port=int(conf["SMTP_PORT"]),
            user=conf["SMTP_USER"],
            password=conf["SMTP_PASSWORD"],
            starttls=bool(conf["SMTP_STARTTLS"]),
            sender=conf["EMAIL_FROM"],
        )
    if channel == Channel.PUSH and conf["PUSH_GATEWAY"] == "webhook":
        return WebhookPushGateway(
            name="push-webhook",
            rate=int(conf["PUSH_RATE"]),
            connections=1,
            url=conf["PUSH_URL"],
            secret=conf["PUSH_SECRET"],
        )
    if channel == Channel.WECHAT and conf["WECHAT_GATEWAY"] == "wechat":
        return WeChatGateway(
            name="wechat",
            rate=int(conf["WECHAT_RATE"]),
            connections=max(1, int(conf["WECHAT_CONNECTIONS"])),
            base_url=conf["WECHAT_BASE_URL"],
            app_id=conf["WECHAT_APP_ID"],
            app_secret=conf["WECHAT_APP_SECRET"],
            template_id=conf["WECHAT_TEMPLATE_ID"],
            timeout=float(conf["WECHAT_TIMEOUT_SECONDS"]),
        )
    return ConsoleGateway(name=f"{channel}-console", rate=int(conf["CONSOLE_RATE"]), connections=1, path=conf["FILE"])
