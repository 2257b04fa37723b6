from django.urls import path

from gridcare.assessment import (
    actions_views,
    complaints_views,
    drivers_views,
    ledger_views,
    posts_views,
    questionnaires_views,
    reports_views,
    stars_views,
    surveys_views,
    topics_views,
    views,
)

app_name = "assessment"

urlpatterns = [
    path("", views.figures, name="figures"),
    path("export/", views.figures_export, name="figures_export"),
    # 岗位管理 and 奖惩台账 (ASSESS-1, ASSESS-3), before the drill-down's "<level>/<key>/".
    path("posts/", posts_views.post_list, name="posts"),
    path("posts/export/", posts_views.post_export, name="posts_export"),
    path("posts/<str:employee_no>/", posts_views.post_detail, name="post_detail"),
    path("ledger/", ledger_views.ledger_list, name="ledger"),
    path("ledger/export/", ledger_views.ledger_export, name="ledger_export"),
    path("ledger/new/", ledger_views.ledger_new, name="ledger_new"),
    path("ledger/<int:entry_id>/", ledger_views.ledger_entry, name="ledger_entry"),
    path("ledger/<int:entry_id>/<str:action>/", ledger_views.ledger_decide, name="ledger_decide"),
    # 月度报告 (ASSESS-7), also before the drill-down.
    path("reports/", reports_views.report_list, name="reports"),
    path("reports/<int:report_id>/", reports_views.report_detail, name="report"),
    path("reports/<int:report_id>/<str:fmt>/", reports_views.report_file, name="report_file"),
    # 改进措施 and 满意度驱动因素 (ASSESS-5), also before the drill-down.
    path("actions/", actions_views.action_list, name="actions"),
    path("actions/export/", actions_views.action_export, name="actions_export"),
    path("actions/new/", actions_views.action_new, name="action_new"),
    path("actions/<int:action_id>/", actions_views.action_detail, name="action"),
    path("actions/<int:action_id>/edit/", actions_views.action_edit, name="action_edit"),
    path("actions/<int:action_id>/evaluate/", actions_views.action_evaluate, name="action_evaluate"),
    path("drivers/", drivers_views.drivers, name="drivers"),
    # 投诉分析 (ASSESS-6), also before the drill-down.
    path("complaints/", complaints_views.complaints, name="complaints"),
    path("complaints/export/", complaints_views.complaints_export, name="complaints_export"),
    path("complaints/orders/", complaints_views.complaint_orders, name="complaint_orders"),
    path("topics/", topics_views.topics, name="topics"),
    # 星级评定 and 星级标准 (ASSESS-1), also before the drill-down.
    path("stars/", stars_views.star_list, name="stars"),
    path("stars/export/", stars_views.star_export, name="stars_export"),
    path("stars/<int:rating_id>/", stars_views.star_detail, name="star"),
    path("standards/", stars_views.standards, name="standards"),
    path("standards/new/", stars_views.standard_new, name="standard_new"),
    # 调查问卷, 抽样, 社会监督员 and 满意度调查 (ASSESS-4/5), also before the drill-down.
    path("surveys/", surveys_views.survey_overview, name="surveys"),
    path("surveys/questionnaires/", questionnaires_views.questionnaire_list, name="questionnaires"),
    path("surveys/questionnaires/new/", questionnaires_views.questionnaire_new, name="questionnaire_new"),
    path(
        "surveys/questionnaires/<int:questionnaire_id>/",
        questionnaires_views.questionnaire_detail,
        name="questionnaire",
    ),
    path(
        "surveys/questionnaires/<int:questionnaire_id>/questions/",
        questionnaires_views.question_new,
        name="question_new",
    ),
    path(
        "surveys/questionnaires/<int:questionnaire_id>/questions/<int:question_id>/",
        questionnaires_views.question_edit,
        name="question_edit",
    ),
    path(
        "surveys/questionnaires/<int:questionnaire_id>/questions/<int:question_id>/delete/",
        questionnaires_views.question_delete,
        name="question_delete",
    ),
    path(
        "surveys/questionnaires/<int:questionnaire_id>/publish/",
        questionnaires_views.questionnaire_publish,
        name="questionnaire_publish",
    ),
    path(
        "surveys/questionnaires/<int:questionnaire_id>/retire/",
        questionnaires_views.questionnaire_retire,
        name="questionnaire_retire",
    ),
    path(
        "surveys/questionnaires/<int:questionnaire_id>/copy/",
        questionnaires_views.questionnaire_copy,
        name="questionnaire_copy",
    ),
    path("samples/", surveys_views.sample_list, name="samples"),
    path("samples/new/", surveys_views.sample_new, name="sample_new"),
    path("samples/<int:sample_id>/", surveys_views.sample_detail, name="sample"),
    path("samples/<int:sample_id>/send/", surveys_views.sample_send, name="sample_send"),
    path("supervisors/", surveys_views.supervisor_list, name="supervisors"),
    path("supervisors/<int:supervisor_id>/", surveys_views.supervisor_detail, name="supervisor"),
    path("<str:level>/<int:key>/", views.drill, name="drill"),
]
