"""Who may see and run background jobs: administrators only. Everyone else gets the same 404
as for a job that does not exist (gridcare.org.access)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from gridcare.core.exceptions import NotFound
from gridcare.jobs.registry import BY_NAME, JobSpec
from gridcare.org.access import Capability, Scope, require


def job_get_for_scope(*, scope: Scope, name: str) -> JobSpec:
    require(scope, Capability.JOBS)
    spec = BY_NAME.get(name)
    if spec is None:
        raise NotFound(_("没有这个后台任务。"))
    return spec
