"""A province's live screens on two cores (issue 20): boards, consoles and floor views of many
halls with counter actions going on, through gunicorn, as simulated clients.

Each hall has a paired board (refreshing every second), ``--consoles`` counter consoles (every two
seconds, a staff session) and a floor view (every five seconds); ``--actions`` counter actions per
second go on through the API across all halls (issue a ticket, call it at a counter, finish it:
three actions, each one change of its hall). ``--scale`` runs a share of the screens (1.0: all).

Designs, each against its own fresh server in the same run:

  uncached  the polling design before issue 20: every refresh renders its fragment again
            (GRIDCARE_LIVE_CACHE=false);
  cached    polling with the per-hall version: a refresh reads the version and answers from the
            per-process cache (one rendering per change, minute and language).

Figures per design: the requests per second the screens asked for and got, p50/p99/max per kind
(from the moment a request was due, so a client kept waiting counts), the answers that were not
200/304, and how far behind the boards were: for every call, the time from the call's answer to
the first board answer of that hall showing the called number (a board answer that was asked for
after the call and does not show it is counted as stale; there must be none).

    .venv/bin/python benchmarks/province_screens.py [--database-url URL] [--halls 1000]
        [--consoles 6] [--scale 1.0] [--actions 200] [--seconds 20] [--designs uncached,cached]
        [--workers 4] [--threads 4] [--connections 256]

The clients are one asyncio process on the same machine (its CPU is reported): on two cores the
screens at full scale ask for about 4,200 requests a second, more than one process of Python can
send, so the achieved rate is part of the result.
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import json
import os
import random
import resource
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from _setup import ROOT, django_up, machine
from hall_queue import KINDS, PASSWORD, free_port

BOARD_EVERY, CONSOLE_EVERY, FLOOR_EVERY = 1.0, 2.0, 5.0


@dataclass
class World:
    token: str
    session: str
    halls: list[tuple[str, list[int], str]]  # (hall code, counter ids, board device cookie)


def seed(halls: int, consoles: int) -> World:
    """``halls`` halls of ``consoles`` counters each (every counter open for every type, 3 tickets
    waiting), a paired board per hall, an administrator's token and staff session."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.signing import get_cookie_signer
    from django.test import Client, RequestFactory

    from gridcare.core.tokens import token_issue
    from gridcare.halls.access import DEVICE_COOKIE, DEVICE_COOKIE_SALT
    from gridcare.halls.models import CounterStatus, DeviceKind, Kind
    from gridcare.halls.services.devices import device_pair, device_register
    from gridcare.halls.services.setup import counter_configure, hall_setup_defaults
    from gridcare.halls.services.tickets import ticket_issue
    from gridcare.org.access import scope_for
    from gridcare.org.models import Company, Counter, Hall, Role, Staff, SupplyUnit

    company = Company.objects.create(code="PROV", name="基准省电力公司")
    unit = SupplyUnit.objects.create(company=company, code="P1", name="基准供电所")
    user = get_user_model().objects.create_user(username="bench", password=PASSWORD)
    Staff.objects.create(user=user, employee_no="P0001", name="基准", role=Role.ADMINISTRATOR, company=company)
    scope = scope_for(user)
    signer = get_cookie_signer(salt=DEVICE_COOKIE + DEVICE_COOKIE_SALT)
    out = []
    started = time.perf_counter()
    for h in range(1, halls + 1):
        hall = Hall.objects.create(unit=unit, code=f"P{h:04d}", name=f"基准营业厅{h}")
        hall_setup_defaults(hall=hall)
        counters = []
        for n in range(1, consoles + 1):
            counter = Counter.objects.create(hall=hall, number=n)
            counter_configure(counter=counter, kinds=[str(k) for k in Kind], status=CounterStatus.OPEN)
            counters.append(counter.pk)
        for i in range(3):
            ticket_issue(scope=scope, actor=user, hall=hall, kind=KINDS[i % len(KINDS)], source="guide")
        _board, code = device_register(scope=scope, actor=user, hall=hall, kind=DeviceKind.BOARD, name="叫号屏")
        _device, credential = device_pair(code=code)
        out.append((hall.code, counters, signer.sign(credential)))
        if h % 100 == 0:
            print(f"  seeded {h} halls ({time.perf_counter() - started:.0f} s)", flush=True)
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    token = token_issue(request=RequestFactory().post("/api/v1/auth/token"), username="bench", password=PASSWORD)
    return World(token=token, session=session, halls=out)


def start_server(
    database_url: str, port: int, *, workers: int, threads: int, cache: bool, live: bool = False
) -> subprocess.Popen[bytes]:
    """gunicorn as deployed: the web service (WSGI, gthread), or ``live`` the live service (ASGI,
    one uvicorn worker process holding every stream, deploy/systemd/gridcare-live.service)."""
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        DEBUG="false",
        LOG_LEVEL="ERROR",
        GRIDCARE_LIVE_CACHE="true" if cache else "false",
        GRIDCARE_LIVE_PUSH="true" if live else "false",
    )
    kind = (
        ["config.asgi", "--workers=1", "--worker-class=uvicorn_worker.UvicornWorker"]
        if live
        else ["config.wsgi", f"--workers={workers}", "--worker-class=gthread", f"--threads={threads}"]
    )
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            *kind,
            "--worker-connections=20000",
            "--keep-alive=60",
            "--backlog=4096",
            "--preload",
            f"--bind=127.0.0.1:{port}",
            "--graceful-timeout=5",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            import socket

            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start")


# --- an HTTP/1.1 client on asyncio streams (keep-alive; what a browser's htmx poll sends) ---------


class Connection:
    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes = b""
    ) -> tuple[int, dict[str, str], bytes]:
        for attempt in (1, 2):
            try:
                if self.writer is None:
                    self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
                assert self.reader is not None
                head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(body)}\r\n"
                head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
                self.writer.write(head.encode() + b"\r\n" + body)
                status_line = await self.reader.readline()
                if not status_line:
                    raise ConnectionError("closed")
                status = int(status_line.split()[1])
                length, close, got = 0, False, {}
                while True:
                    line = await self.reader.readline()
                    if line in (b"\r\n", b""):
                        break
                    name, _sep, value = line.decode("latin-1").partition(":")
                    name = name.strip().lower()
                    got[name] = value.strip()
                    if name == "content-length":
                        length = int(value)
                    elif name == "connection" and value.strip().lower() == "close":
                        close = True
                data = await self.reader.readexactly(length) if length else b""
                if close:
                    self.close()
                return status, got, data
            except (ConnectionError, OSError, asyncio.IncompleteReadError, IndexError, ValueError):
                self.close()
                if attempt == 2:
                    return 599, {}, b""
        return 599, {}, b""

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, dict[int, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    asked: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    behind: list[float] = field(default_factory=list)
    stale: int = 0
    unseen: int = 0


@dataclass
class Call:
    number: str
    answered: float
    seen: bool = False


async def run(
    port: int, world: World, args: argparse.Namespace, seconds: float, live_port: int | None = None
) -> tuple[Tally, float]:
    """One run: the screens poll ``port``, or (``live_port``) hold event streams there and fetch
    only a console's own state from ``port`` when nudged; the actions go to ``port``."""
    tally = Tally()
    rng = random.Random(20)
    calls: dict[str, list[Call]] = defaultdict(list)  # hall code → calls not yet seen on its board
    queue: asyncio.Queue[tuple[float, str, str, dict[str, str], str]] = asyncio.Queue()
    etags: dict[str, str] = {}

    staff = {"Cookie": f"sessionid={world.session}", "HX-Request": "true"}
    screens: list[tuple[float, float, str, str, dict[str, str], str]] = []  # (first, every, kind, path, headers, hall)
    for code, counters, cookie in world.halls:
        if rng.random() < args.scale:
            board = {"Cookie": f"gridcare_device={cookie}", "HX-Request": "true"}
            screens.append((rng.random() * BOARD_EVERY, BOARD_EVERY, "board", f"/halls/{code}/board/", board, code))
        if rng.random() < args.scale:
            screens.append((rng.random() * FLOOR_EVERY, FLOOR_EVERY, "floor", f"/halls/{code}/floor/", staff, code))
        for counter in counters:
            if rng.random() < args.scale:
                path = f"/halls/counter/{counter}/"
                screens.append((rng.random() * CONSOLE_EVERY, CONSOLE_EVERY, "console", path, staff, code))
    shown: dict[str, str] = {}

    def board_shows(code: str, sent: float, done: float) -> None:
        """The calls answered before ``sent`` that the board of ``code`` now shows (or not)."""
        for call in calls.get(code, []):
            if call.seen or sent < call.answered:
                continue
            if f"<span>{call.number}</span>" in shown.get(code, ""):
                call.seen = True
                tally.behind.append(done - call.answered)
            elif live_port is None:
                tally.stale += 1
        calls[code] = [c for c in calls.get(code, []) if not c.seen]

    async def stream(
        at_port: int, screen: tuple[float, float, str, str, dict[str, str], str], opened: list[int]
    ) -> None:
        """One screen's event stream: a board's state checked for the calls, a console's nudge
        answered with the console's own refresh (on the polling port)."""
        _first, _every, kind, path, headers, code = screen
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", at_port)
            head = f"GET {path}events/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
            head += "".join(f"{k}: {v}\r\n" for k, v in headers.items() if k != "HX-Request")
            writer.write(head.encode() + b"\r\n")
            status = int((await reader.readline()).split()[1])
            while (await reader.readline()) not in (b"\r\n", b""):
                pass
        except (OSError, IndexError, ValueError):
            tally.statuses[f"{kind} stream"][599] += 1
            return
        tally.statuses[f"{kind} stream"][status] += 1
        if status != 200:
            return
        opened.append(1)
        name, data = "", []
        chunked = True  # uvicorn streams in chunks: a size line before each piece
        while True:
            line = await reader.readline()
            if not line:
                return
            text = line.decode().rstrip("\r\n")
            if chunked and all(c in "0123456789abcdefABCDEF" for c in text) and text:
                continue
            if text.startswith("event: "):
                name = text[7:]
            elif text.startswith("data: "):
                data.append(text[6:])
            elif text == "" and name:
                done = time.perf_counter()
                tally.asked[f"{kind} events"] += 1
                if kind == "board" and name == "state":
                    shown[code] = "\n".join(data)
                    board_shows(code, done, done)
                elif name == "own":
                    queue.put_nowait((done, "console", path, headers, code))
                name, data = "", []

    boards = {code for _first, _every, kind, _path, _headers, code in screens if kind == "board"}
    streams: list[asyncio.Task[None]] = []
    if live_port is not None:  # every screen connects first, a few hundred at a time
        opened: list[int] = []
        for first in range(0, len(screens), 200):
            streams += [
                asyncio.create_task(stream(live_port, screen, opened)) for screen in screens[first : first + 200]
            ]
            await asyncio.sleep(0.2)
        deadline = time.perf_counter() + 60
        while len(opened) < len(screens) and time.perf_counter() < deadline:
            await asyncio.sleep(0.1)
            if all(t.done() for t in streams):
                break
        print(f"  {len(opened)} of {len(screens)} streams open", flush=True)
    started = time.perf_counter()
    stop = started + seconds
    due = [(started + first, i) for i, (first, *_rest) in enumerate(screens)] if live_port is None else []
    heapq.heapify(due)

    async def dispatch() -> None:
        while due:
            at, i = due[0]
            if at >= stop:
                return
            now = time.perf_counter()
            if at > now:
                await asyncio.sleep(min(at - now, 0.005))
                continue
            heapq.heapreplace(due, (at + screens[i][1], i))
            _first, _every, kind, path, headers, code = screens[i]
            tally.asked[kind] += 1
            queue.put_nowait((at, kind, path, headers, code))

    async def screen_client() -> None:
        connection = Connection(port)
        while True:
            at, kind, path, headers, code = await queue.get()
            if at >= stop:
                continue
            sent = time.perf_counter()
            key = f"{path}|{headers.get('Cookie', '')[:12]}"
            asked = dict(headers)
            if key in etags:
                asked["If-None-Match"] = etags[key]
            status, got, body = await connection.request("GET", path, asked)
            if "etag" in got:
                etags[key] = got["etag"]
            done = time.perf_counter()
            tally.latencies[kind].append(done - at)
            tally.statuses[kind][status] += 1
            if kind == "board" and status in (200, 304):
                if status == 200:  # a 304 leaves the board showing what it showed
                    shown[code] = body.decode()
                board_shows(code, sent, done)

    api = {"Authorization": f"Bearer {world.token}", "Content-Type": "application/json"}

    async def actions(i: int, every: float) -> None:
        connection = Connection(port)
        next_at = started + every * rng.random()
        while next_at < stop:
            code, counters, _cookie = world.halls[rng.randrange(len(world.halls))]
            counter = counters[rng.randrange(len(counters))]
            steps = [
                ("issue", f"/api/v1/halls/{code}/tickets", json.dumps({"business_type": rng.choice(KINDS)}).encode()),
                ("call-next", f"/api/v1/counters/{counter}/call-next", b""),
            ]
            for kind, path, body in steps:
                await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
                status, _got, data = await connection.request("POST", path, api, body)
                done = time.perf_counter()
                tally.latencies[f"action {kind}"].append(done - next_at)
                tally.statuses["action"][status] += 1
                next_at += every
                if kind == "call-next" and status == 200:
                    ticket = json.loads(data)["ticket"]
                    if code in boards:
                        calls[code].append(Call(number=ticket["number"], answered=done))
                    await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
                    status, _got, _data = await connection.request(
                        "POST", f"/api/v1/tickets/{ticket['id']}/finish", api, b'{"outcome": "\\u57fa\\u51c6"}'
                    )
                    tally.latencies["action finish"].append(time.perf_counter() - next_at)
                    tally.statuses["action"][status] += 1
                    next_at += every

    cpu = time.process_time()
    action_clients = max(1, args.actions // 10)  # each sends 10 actions a second
    workers = [asyncio.create_task(screen_client()) for _ in range(args.connections)]
    await asyncio.gather(dispatch(), *(actions(i, action_clients / args.actions) for i in range(action_clients)))
    elapsed = time.perf_counter() - started
    await asyncio.sleep(1.0)  # the answers still under way
    for task in workers + streams:
        task.cancel()
    tally.unseen = sum(1 for cs in calls.values() for c in cs if not c.seen and c.answered < stop - 2)
    print(f"  clients' CPU {time.process_time() - cpu:.1f} s over {elapsed:.1f} s", flush=True)
    return tally, elapsed


def cpu_costs(world: World, rounds: int = 60) -> dict[tuple[str, str], float]:
    """CPU milliseconds of one refresh inside this process (Django test client, same database),
    per screen kind: ``uncached`` renders again (the cache emptied first), ``cached`` answers an
    unchanged hall from the cache, ``changed`` is the first refresh after a change of the hall
    (``hall_changed``), ``304`` a browser sending its ETag back. A figure that other programs on
    the machine inflate much less than wall-clock latency; on PostgreSQL the server's CPU is not
    included."""
    from django.core.cache import caches
    from django.test import Client

    from gridcare.halls.services.live import hall_changed
    from gridcare.org.models import Hall

    staff = Client(headers={"HX-Request": "true"})
    staff.cookies["sessionid"] = world.session
    spent: dict[tuple[str, str], list[float]] = defaultdict(list)
    halls = world.halls[: max(1, min(len(world.halls), 20))]
    ids = dict(Hall.objects.filter(code__in=[h[0] for h in halls]).values_list("code", "pk"))
    for i in range(-5, rounds):
        code, counters, cookie = halls[i % len(halls)]
        board = Client(headers={"HX-Request": "true"})
        board.cookies["gridcare_device"] = cookie
        for kind, client, path in (
            ("board", board, f"/halls/{code}/board/"),
            ("console", staff, f"/halls/counter/{counters[0]}/"),
            ("floor", staff, f"/halls/{code}/floor/"),
        ):
            etag = ""
            for design in ("uncached", "changed", "cached", "304"):
                if design == "uncached":
                    caches["live"].clear()
                elif design == "changed":
                    hall_changed(ids[code])
                headers = {"If-None-Match": etag} if design == "304" else {}
                started = time.process_time()
                response = client.get(path, headers=headers)
                took = time.process_time() - started
                etag = response.get("ETag", "")
                if i >= 0:
                    spent[(kind, design)].append(took)
    return {key: 1000 * sum(v) / len(v) for key, v in spent.items()}


def pct(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(int(share * len(ordered)), len(ordered) - 1)] * 1000


def report(design: str, tally: Tally, seconds: float) -> dict[str, float]:
    asked = sum(tally.asked[k] for k in ("board", "console", "floor"))
    events = sum(n for k, n in tally.asked.items() if k.endswith(" events"))
    got = sum(len(tally.latencies[k]) for k in ("board", "console", "floor"))
    actions = [x for k, v in tally.latencies.items() if k.startswith("action") for x in v]
    screens = [x for k in ("board", "console", "floor") for x in tally.latencies[k]]
    bad = {k: {s: n for s, n in v.items() if s not in (200, 201, 204, 304)} for k, v in tally.statuses.items()}
    row = {
        "asked": asked / seconds,
        "got": got / seconds,
        "events": events / seconds,
        "actions": len(actions) / seconds,
        "action_p99": pct(actions, 0.99),
        "screen_p99": pct(screens, 0.99),
        "board_p99": pct(tally.latencies["board"], 0.99),
        "console_p99": pct(tally.latencies["console"], 0.99),
        "floor_p99": pct(tally.latencies["floor"], 0.99),
        "behind_p99": pct(tally.behind, 0.99),
        "behind_max": max(tally.behind, default=float("nan")) * 1000,
    }
    print(
        f"| {design} | {row['asked']:.0f} | {row['got']:.0f} | {row['events']:.0f} | {row['actions']:.0f} | "
        f"{pct(actions, 0.5):.0f} / {row['action_p99']:.0f} | {pct(tally.latencies['board'], 0.5):.0f} / "
        f"{row['board_p99']:.0f} | {pct(tally.latencies['console'], 0.5):.0f} / {row['console_p99']:.0f} | "
        f"{pct(tally.latencies['floor'], 0.5):.0f} / {row['floor_p99']:.0f} | {row['behind_p99']:.0f} / "
        f"{row['behind_max']:.0f} | {tally.stale} | {tally.unseen} | {json.dumps({k: v for k, v in bad.items() if v})} |",
        flush=True,
    )
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--halls", type=int, default=1000)
    parser.add_argument("--consoles", type=int, default=6)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--actions", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--designs", default="uncached,cached,push")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--connections", type=int, default=256)
    args = parser.parse_args()
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    url = django_up(args.database_url)
    print(f"# province screens: {machine()}, {url.split(':')[0]}, load {os.getloadavg()[0]:.1f}")
    started = time.perf_counter()
    world = seed(args.halls, args.consoles)
    print(f"  seeded {args.halls} halls × {args.consoles} counters in {time.perf_counter() - started:.0f} s")
    costs = cpu_costs(world)
    print("CPU per refresh inside the process (ms):")
    print("| screen | uncached | first after a change | cached | 304 |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for kind in ("board", "console", "floor"):
        print(
            f"| {kind} | "
            + " | ".join(f"{costs[(kind, d)]:.2f}" for d in ("uncached", "changed", "cached", "304"))
            + " |"
        )
    rate = {"board": 1 / BOARD_EVERY, "console": args.consoles / CONSOLE_EVERY, "floor": 1 / FLOOR_EVERY}
    for design in ("uncached", "cached"):
        need = 0.0
        for kind, per_hall in rate.items():
            refreshes = args.halls * per_hall
            if design == "uncached":
                need += refreshes * costs[(kind, "uncached")]
            else:  # a change makes one rendering per kind in each process that is asked next
                renders = min(refreshes, args.actions * args.workers)
                need += renders * costs[(kind, "changed")] + (refreshes - renders) * costs[(kind, "cached")]
        print(f"  {design}: the screens of {args.halls:,} halls need about {need / 1000:.1f} cores of Django CPU")
    from django.db import connections

    connections.close_all()
    print(
        "| design | screens asked/s | answered/s | pushed/s | actions/s | action p50 / p99 ms | board p50 / p99 | "
        "console p50 / p99 | floor p50 / p99 | board behind p99 / max ms | stale | calls never seen | errors |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    rows = {}
    for design in args.designs.split(","):
        port = free_port()
        servers = [start_server(url, port, workers=args.workers, threads=args.threads, cache=design != "uncached")]
        live_port = None
        if design == "push":
            live_port = free_port()
            servers.append(start_server(url, live_port, workers=1, threads=1, cache=True, live=True))
        try:
            # Every worker process pays its first requests (imports, URL resolver, templates)
            # before the measured run: a few seconds of a twentieth of the screens, twice.
            warm = argparse.Namespace(**{**vars(args), "scale": min(args.scale, 0.05)})
            for _ in range(2):
                asyncio.run(run(port, world, warm, 5, live_port))
            tally, elapsed = asyncio.run(run(port, world, args, args.seconds, live_port))
            rows[design] = report(design, tally, elapsed)
        finally:
            for server in servers:
                server.terminate()
            for server in servers:
                server.wait(timeout=15)
    if "uncached" in rows and len(rows) > 1:
        base = rows["uncached"]
        for design, row in rows.items():
            if design != "uncached":
                print(
                    f"  {design} against uncached: action p99 {base['action_p99'] / row['action_p99']:.2f}× "
                    f"shorter, board behind p99 {base['behind_p99'] / row['behind_p99']:.2f}× shorter"
                )


if __name__ == "__main__":
    main()
