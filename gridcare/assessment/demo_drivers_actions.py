"""Demo rows for 满意度驱动因素 and 改进措施 (issue 14, ASSESS-5), so that ``make run`` shows both:
a published CCSI questionnaire with answers of the last 60 days in every supply unit, and two
improvement actions on the first hall (one already due, evaluated by the worker's job). Run
once; a second run finds the questionnaire and writes nothing."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import numpy as np
from django.contrib.auth.models import User
from django.db import transaction

from gridcare.assessment.models import Question, Questionnaire, SurveyInvite, SurveyResponse
from gridcare.assessment.services.actions import NewAction, action_create, actions_evaluate_due
from gridcare.core.timezone import business_date, now
from gridcare.org.access import Scope
from gridcare.org.models import Hall, Role, Staff, SupplyUnit

CODE = "CCSI-DEMO"
EVERYONE = Scope(staff=None, company_id=None, unit_id=None, hall_id=None, everything=True)
QUESTIONS = {
    "image": ["供电公司值得信赖", "供电公司关心客户", "供电公司社会形象好"],
    "expectation": ["办电前对服务的期望", "对供电可靠性的期望", "对服务态度的期望"],
    "quality": ["营业厅办事效率", "停电通知及时准确", "工作人员专业耐心"],
    "value": ["电费与服务相比合理", "办事花费的时间值得"],
    "satisfaction": ["总体满意程度", "与期望相比的满意程度", "与理想服务相比"],
    "loyalty": ["愿意向他人推荐", "会继续选择线上办电"],
}
CENTRES = {"image": 7.6, "expectation": 7.2, "quality": 5.4, "value": 7.0, "satisfaction": 6.6, "loyalty": 7.1}


def _answers(rng: np.random.Generator, n: int) -> list[dict[str, int]]:
    def noise() -> np.ndarray:
        return rng.normal(0, 0.6, n)

    img = rng.normal(0, 1, n)
    exp = 0.6 * img + noise()
    qual = 0.5 * exp + noise()
    val = 0.3 * exp + 0.4 * qual + noise()
    sat = 0.15 * img + 0.05 * exp + 0.6 * qual + 0.15 * val + noise()
    loy = 0.3 * img + 0.5 * sat + noise()
    latent = {"image": img, "expectation": exp, "quality": qual, "value": val, "satisfaction": sat, "loyalty": loy}
    columns = {
        f"{c[:4]}{i + 1}": np.clip(np.rint(CENTRES[c] + 1.4 * latent[c] + rng.normal(0, 0.8, n)), 1, 10)
        for c, texts in QUESTIONS.items()
        for i in range(len(texts))
    }
    return [{code: int(values[k]) for code, values in columns.items()} for k in range(n)]


def _questionnaire(by: User) -> Questionnaire:
    at = now() - timedelta(days=90)
    q = Questionnaire.objects.create(
        code=CODE,
        version=1,
        title="供电服务客户满意度调查",
        state="published",
        created_by=by,
        created_at=at,
        published_at=at,
    )
    position = 0
    for construct, texts in QUESTIONS.items():
        for i, text in enumerate(texts):
            position += 1
            Question.objects.create(
                questionnaire=q,
                position=position,
                code=f"{construct[:4]}{i + 1}",
                kind="scale",
                text=text,
                construct=construct,
            )
    return q


def _respond(q: Questionnaire, rng: np.random.Generator, per_unit: int) -> int:
    written = 0
    for unit in SupplyUnit.objects.order_by("code"):
        rows = _answers(rng, per_unit)
        times = [
            now() - timedelta(days=int(d), minutes=int(m))
            for d, m in zip(rng.integers(1, 60, per_unit), rng.integers(0, 600, per_unit), strict=True)
        ]
        invites = SurveyInvite.objects.bulk_create(
            SurveyInvite(
                questionnaire=q,
                channel="sms",
                token_hash=hashlib.sha256(f"{CODE}-{unit.code}-{i}".encode()).hexdigest(),
                created_at=t - timedelta(hours=2),
                expires_at=t + timedelta(days=7),
                answered_at=t,
            )
            for i, t in enumerate(times)
        )
        SurveyResponse.objects.bulk_create(
            SurveyResponse(invite=v, questionnaire=q, answered_at=t, answers=a, unit=unit)
            for v, t, a in zip(invites, times, rows, strict=True)
        )
        written += len(rows)
    return written


def _actions(by: User) -> int:
    hall = Hall.objects.order_by("code").first()
    owner = Staff.objects.filter(hall=hall, role=Role.HALL_MANAGER, active=True).order_by("employee_no").first()
    if hall is None or owner is None:
        return 0
    today = business_date()
    plans = [
        ("高峰时段增开窗口", "工作日 9-11 点增开窗口，引导员分流简单业务。", "wait_mean", "-3", 75, 45),
        ("窗口服务礼仪培训", "每周一次服务礼仪与业务答疑培训。", "satisfaction_rate", "3", 10, -20),
    ]
    for title, text, figure, expected, start_ago, due_ago in plans:
        action_create(
            scope=EVERYONE,
            actor=by,
            data=NewAction(
                title=title,
                description=text,
                owner=owner.employee_no,
                level="hall",
                subject=hall.code,
                figure=figure,
                expected_change=expected,
                started_on=today - timedelta(days=start_ago),
                due_on=today - timedelta(days=due_ago),
            ),
        )
    return len(plans)


def seed_drivers_and_actions(*, seed: int = 14, per_unit: int = 150) -> str:
    """The demo questionnaire, its answers and two actions (nothing when they exist already);
    the actions whose window is rolled up are evaluated as the worker would."""
    if Questionnaire.objects.filter(code=CODE).exists():
        return "satisfaction drivers and improvement actions: already seeded"
    by = User.objects.filter(is_superuser=True).order_by("pk").first()
    if by is None:
        return "satisfaction drivers and improvement actions: no administrator to record them"
    rng = np.random.default_rng(seed)
    with transaction.atomic():
        answers = _respond(_questionnaire(by), rng, per_unit)
        actions = _actions(by)
    evaluated = actions_evaluate_due().evaluated
    return f"satisfaction drivers: {answers} survey answers; improvement actions: {actions} ({evaluated} evaluated)"
