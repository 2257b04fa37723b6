"""Builders for the survey tests: accounts in strata, a published questionnaire, a drawn sample."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from gridcare.assessment.models import Questionnaire, Sample
from gridcare.assessment.services.questionnaires import (
    NewQuestion,
    question_save,
    questionnaire_create,
    questionnaire_transition,
)
from gridcare.assessment.services.samples import NewSample, sample_draw
from gridcare.core.testing import City, make_account
from gridcare.customers.models import Account, CustomerClass
from gridcare.org.access import scope_for
from gridcare.org.models import SupplyUnit

SERIAL = iter(range(1000, 100_000))


def accounts(unit: SupplyUnit, n: int, kind: str = CustomerClass.RESIDENTIAL, *, phone: bool = True) -> list[Account]:
    """``n`` active accounts of ``unit`` and class ``kind``, each with its own mobile."""
    made = []
    for _ in range(n):
        serial = next(SERIAL)
        made.append(
            make_account(
                serial, unit, None, f"客户{serial}", phone=f"139{serial:08d}" if phone else "", customer_class=kind
            )
        )
    return made


def strata(town: City) -> None:
    """U1 居民 60 (the town's account among them), U1 一般工商业 30, U2 居民 10 (the town's
    other-unit account among them); the foreign company's account is never in reach."""
    accounts(town.unit, 59)
    accounts(town.unit, 30, CustomerClass.COMMERCIAL)
    accounts(town.other_unit, 9)


def published(by: User, *, title: str = "供电服务满意度调查") -> Questionnaire:
    """A published questionnaire: a 1-10 satisfaction question, a choice, an optional text."""
    scope = scope_for(by)
    q = questionnaire_create(scope=scope, actor=by, title=title, intro="感谢您抽出时间。")
    for data in (
        NewQuestion(kind="scale", text="总体满意程度", construct="satisfaction"),
        NewQuestion(kind="choice", text="最近一次办电的渠道", choices="营业厅\n网上国网\n95598"),
        NewQuestion(kind="text", text="意见建议", required=False),
    ):
        question_save(scope=scope, actor=by, questionnaire_id=q.pk, data=data)
    return questionnaire_transition(scope=scope, actor=by, questionnaire_id=q.pk, to="published")


def drawn(by: User, **fields: Any) -> Sample:
    data: dict[str, Any] = {"purpose": "survey", "size": 20, "unit": "", "method": "proportional", "seed": 42}
    data.update(fields)
    return sample_draw(scope=scope_for(by), actor=by, data=NewSample(**data))
