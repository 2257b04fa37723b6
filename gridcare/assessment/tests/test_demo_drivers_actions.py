"""The demo rows of 满意度驱动因素 and 改进措施 (issue 14): written once, enough for the model."""

from gridcare.assessment.demo_drivers_actions import seed_drivers_and_actions
from gridcare.assessment.models import ActionEvent, ImprovementAction, SurveyResponse
from gridcare.core.testing import City, signed_in


def test_the_demo_seeds_answers_and_actions_once(town: City) -> None:
    assert seed_drivers_and_actions(per_unit=60).startswith(
        "satisfaction drivers: 180 survey answers; improvement actions: 2"
    )
    assert (SurveyResponse.objects.count(), ImprovementAction.objects.count()) == (180, 2)
    events = ActionEvent.objects.count()
    assert seed_drivers_and_actions() == "satisfaction drivers and improvement actions: already seeded"
    assert (SurveyResponse.objects.count(), ImprovementAction.objects.count(), ActionEvent.objects.count()) == (
        180,
        2,
        events,
    )
    page = signed_in(town.planner).get("/assessment/drivers/")
    assert page.status_code == 200 and page.context["result"].matrix.complete == 120  # the company's two units
