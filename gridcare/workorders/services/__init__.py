"""Writes of the work-order app, one module per sub-domain, re-exported here."""

from gridcare.workorders.services.aftercare import (
    complaint_verify,
    unit_supervisor,
    workorder_call_back,
    workorder_escalate,
    workorder_reopen,
)
from gridcare.workorders.services.deadlines import CheckResult, deadlines_check
from gridcare.workorders.services.flow import (
    DispatchTarget,
    workorder_contact,
    workorder_hand_over,
    workorder_pause,
    workorder_resume,
    workorder_transition,
)
from gridcare.workorders.services.incidents import incident_attach, incident_confirm
from gridcare.workorders.services.intake import NewOrder, workorder_intake

__all__ = [
    "CheckResult",
    "DispatchTarget",
    "NewOrder",
    "complaint_verify",
    "deadlines_check",
    "incident_attach",
    "incident_confirm",
    "unit_supervisor",
    "workorder_call_back",
    "workorder_contact",
    "workorder_escalate",
    "workorder_hand_over",
    "workorder_intake",
    "workorder_pause",
    "workorder_reopen",
    "workorder_resume",
    "workorder_transition",
]

from gridcare.workorders.services.connections import (  # noqa: E402
    NewApplication,
    new_connection_advance,
    new_connection_apply,
)

__all__ += ["NewApplication", "new_connection_advance", "new_connection_apply"]

from gridcare.workorders.services.causes import (  # noqa: E402
    cause_create,
    cause_delete,
    cause_for,
    cause_set_active,
    cause_update,
)

__all__ += ["cause_create", "cause_delete", "cause_for", "cause_set_active", "cause_update"]

from gridcare.workorders.services.desk import (  # noqa: E402
    attachment_add,
    merge_preview,
    workorder_merge,
    workorder_note,
    workorder_reply_public,
)
from gridcare.workorders.services.inbox import inbox_done  # noqa: E402
from gridcare.workorders.services.searches import saved_search_delete, saved_search_save  # noqa: E402
from gridcare.workorders.services.triage_retrain import triage_retrain  # noqa: E402

__all__ += [
    "attachment_add",
    "inbox_done",
    "merge_preview",
    "saved_search_delete",
    "saved_search_save",
    "triage_retrain",
    "workorder_merge",
    "workorder_note",
    "workorder_reply_public",
]
