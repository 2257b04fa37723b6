"""Issue 21: a live sender renews its lease (the heartbeat) so only a dead sender's rows are taken
over, within one lease (15 s by default); the built-in file gateway drops a repeated out_id as a
well-behaved provider does and notes it, across connections and processes; a line a killed writer
left unfinished does not swallow the next one."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from gridcare.notices.models import Notice
from gridcare.notices.services import sender as sender_module
from gridcare.notices.services.gateways import ConsoleConnection, ConsoleGateway, Outgoing
from gridcare.notices.services.sender import Policy, Sender, notice_claim, notice_release, notice_renew_leases
from gridcare.notices.tests.conftest import MORNING
from gridcare.notices.tests.helpers import queue

pytestmark = pytest.mark.django_db


def lines(path: Path) -> list[int]:
    return [json.loads(text)["id"] for text in path.read_text(encoding="utf-8").splitlines()]


def test_the_lease_is_15_seconds_and_the_heartbeat_renews_only_the_senders_own_rows() -> None:
    policy = Policy.from_settings()
    assert policy.lease == timedelta(seconds=15)
    mine, theirs, done = queue(phone="13800000001"), queue(phone="13800000002"), queue(phone="13800000003")
    notice_claim(channel="sms", limit=1, token="me", now=MORNING, policy=policy)
    notice_claim(channel="sms", limit=1, token="other", now=MORNING, policy=policy)
    notice_claim(channel="sms", limit=1, token="me-done", now=MORNING, policy=policy)
    Notice.objects.filter(pk=done.pk).update(status="sent")
    later = MORNING + timedelta(seconds=10)
    assert notice_renew_leases(channel="sms", tokens=["me", "me-done"], now=later, policy=policy) == 1
    leases = dict(Notice.objects.values_list("pk", "lease_until"))
    assert leases[mine.pk] == later + timedelta(seconds=15)
    assert leases[theirs.pk] == MORNING + timedelta(seconds=15)
    # The renewed row is not taken over when the first lease would have run out; the other is.
    taken = notice_claim(channel="sms", limit=5, token="new", now=MORNING + timedelta(seconds=16), policy=policy)
    assert [n.pk for n in taken] == [theirs.pk]


def test_a_sender_renews_its_lease_while_it_sends(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    notices = [queue(phone=f"1380000{i:04d}") for i in range(8)]
    renewals: list[list[str]] = []
    real = sender_module.notice_renew_leases

    def counted(**kwargs: Any) -> int:
        renewals.append(kwargs["tokens"])
        return real(**kwargs)

    monkeypatch.setattr(sender_module, "notice_renew_leases", counted)
    gateway = ConsoleGateway(name="sms-console", rate=10, connections=1, path=str(tmp_path / "sms.jsonl"))
    policy = Policy(quiet=None, max_attempts=6, backoff_seconds=30, lease=timedelta(seconds=0.3))
    result = Sender(gateway=gateway, channel="sms", policy=policy).run(now=MORNING)
    assert (result.claimed, result.sent) == (8, 8)
    assert renewals and all(len(tokens) == 1 for tokens in renewals)  # 0.8 s of sending, renewed every 0.1 s
    assert lines(tmp_path / "sms.jsonl") == [n.pk for n in notices]


def test_claimed_rows_no_lane_started_go_back_to_the_queue_as_they_were() -> None:
    first, second = queue(phone="13800000001"), queue(phone="13800000002")
    notice_claim(channel="sms", limit=2, token="t", now=MORNING, policy=Policy.from_settings())
    assert notice_release(channel="sms", ids_by_token={"t": [second.pk]}) == 1
    rows = {
        pk: (status, token, attempts)
        for pk, status, token, attempts in Notice.objects.values_list("pk", "status", "claim_token", "attempts")
    }
    assert rows == {first.pk: ("sending", "t", 1), second.pk: ("queued", "", 0)}


def test_the_file_gateway_drops_a_repeated_out_id_across_connections_and_processes(tmp_path: Path) -> None:
    path = tmp_path / "sms.jsonl"
    one, two = ConsoleConnection(str(path)), ConsoleConnection(str(path))
    for connection, notice_id in ((one, 7), (two, 7), (one, 8)):
        connection.send(Outgoing(notice_id, "sms", "13812345678", "您的电费账单已出"))
    ConsoleConnection._seen.clear()  # a new sender process reads the file afresh
    ConsoleConnection(str(path)).send(Outgoing(8, "sms", "13812345678", "您的电费账单已出"))
    assert lines(path) == [7, 8]
    assert (tmp_path / "sms.jsonl.repeats").read_text(encoding="utf-8").split() == ["7", "8"]
    assert "13812345678" not in path.read_text(encoding="utf-8")  # masked, as before


def test_a_line_left_unfinished_by_a_kill_does_not_swallow_the_next(tmp_path: Path) -> None:
    path = tmp_path / "sms.jsonl"
    path.write_text('{"id": 1, "channel": "sms", "to": "138****5678", "body": "x"}\n{"id": 2, "chan', encoding="utf-8")
    ConsoleConnection(str(path)).send(Outgoing(2, "sms", "13812345678", "y"))
    ConsoleConnection(str(path)).send(Outgoing(1, "sms", "13812345678", "x"))
    text = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(t)["id"] for t in text if t.endswith("}")] == [1, 2]
    assert text[1] == '{"id": 2, "chan'
    assert (tmp_path / "sms.jsonl.repeats").read_text(encoding="utf-8").split() == ["1"]
