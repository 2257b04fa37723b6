"""The JSON API under /api/v1: one NinjaAPI, one router per app, one error format.

Errors always come as ``{"detail": "<中文说明>", "errors": {"<field>": "<说明>"}}``.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from config.api_auth import STAFF, BearerToken, DeviceCredential, SignedInSession
from gridcare.core.exceptions import DomainError

# The callers (config/api_auth.py): staff by default; the hall's devices on the operations that
# name DEVICE_OR_STAFF.
__all__ = ["BearerToken", "DeviceCredential", "SignedInSession", "api"]


# Every operation may answer these, always as {"detail", "errors"} (the handlers below): the
# schema says so once here rather than in each endpoint's response map.
HOUSE_ERRORS = {
    400: "请求内容无法解析",
    401: "未登录或令牌无效",
    403: "无权操作",
    404: "不存在或不在您的范围内",
    409: "当前状态不允许",
    422: "提交的数据有误",
    429: "请求过于频繁或账号已锁定",
}


class GridcareAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas.setdefault("ErrorOut", _error_schema())
        ref = {"$ref": "#/components/schemas/ErrorOut"}
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, text in HOUSE_ERRORS.items():
                    if status not in responses and str(status) not in responses:
                        responses[status] = {"description": text, "content": {"application/json": {"schema": ref}}}
        return schema


def _error_schema() -> dict[str, Any]:
    from gridcare.org.api import ErrorOut

    return ErrorOut.model_json_schema()


api = GridcareAPI(
    title="gridcare API",
    version="1",
    urls_namespace="api",
    auth=STAFF,
)


def _field_message(error: dict[str, Any]) -> tuple[str, str]:
    loc = [str(part) for part in error.get("loc", ()) if part not in ("body", "payload", "query", "path")]
    field = ".".join(loc) or "__all__"
    kind = str(error.get("type", ""))
    if kind == "missing":
        return field, _("必填项。")
    if kind.startswith(("int", "decimal", "float")):
        return field, _("应为数字。")
    if kind.startswith(("datetime", "date")):
        return field, _("日期时间格式不正确。")
    if kind in ("enum", "literal_error"):
        return field, _("取值不在允许范围内。")
    if kind == "value_error":
        return field, str(error.get("ctx", {}).get("error", error.get("msg", "")))
    return field, _("格式不正确。")


def _body_is_not_an_object(request: HttpRequest) -> bool:
    if not request.body:
        return False
    try:
        return not isinstance(json.loads(request.body), dict)
    except ValueError:
        return False


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    if _body_is_not_an_object(request):
        errors = {"__all__": _("请求内容应为 JSON 对象（{…}）。")}
    else:
        errors = dict(_field_message(e) for e in exc.errors)
    return api.create_response(request, {"detail": _("提交的数据有误。"), "errors": errors}, status=422)


def _http_error_message(exc: HttpError) -> tuple[str, dict[str, str]]:
    if exc.status_code == 400:
        return _("提交的数据有误。"), {"__all__": _("请求内容不是有效的 JSON。")}
    if exc.status_code == 403:
        return _("安全校验未通过，请刷新页面后重试。"), {}
    if exc.status_code == 429:
        return _("请求过于频繁，请稍后再试。"), {}
    if exc.status_code == 405:
        return _("不支持该请求方法。"), {}
    return _("请求无法处理。"), {}


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Errors ninja raises itself (unparsable body, CSRF, throttling) in the house shape."""
    detail, errors = _http_error_message(exc)
    return api.create_response(request, {"detail": detail, "errors": errors}, status=exc.status_code)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": _("未找到。"), "errors": {}}, status=404)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    body = {"detail": str(exc.message), "errors": {k: str(v) for k, v in exc.errors.items()}}
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": _("请先登录或提供有效的令牌。"), "errors": {}}, status=401)


def _register_routers() -> None:
    from gridcare.assessment.api import router as assessment_router
    from gridcare.billing.api import router as billing_router
    from gridcare.core.api import router as calendar_router
    from gridcare.customers.api import router as customers_router
    from gridcare.halls.api import router as halls_router
    from gridcare.invoicing.api import router as invoicing_router
    from gridcare.keyaccounts.api import router as keyaccounts_router
    from gridcare.knowledge.api import router as knowledge_router
    from gridcare.knowledge.portal_api import router as knowledge_portal_router
    from gridcare.notices.api import router as notices_router
    from gridcare.org.api import router as org_router
    from gridcare.planning.api import router as planning_router
    from gridcare.portal.api import router as portal_router
    from gridcare.workorders.api import router as workorders_router
    from gridcare.workorders.desk_api import router as workorders_desk_router

    api.add_router("/", org_router)
    api.add_router("/", customers_router)
    api.add_router("/", billing_router)
    api.add_router("/", workorders_desk_router)  # before /workorders/{number}: /workorders/inbox is no number
    api.add_router("/", workorders_router)
    api.add_router("/", notices_router)
    api.add_router("/", halls_router)
    api.add_router("/", calendar_router)
    api.add_router("/", assessment_router)
    api.add_router("/", portal_router)
    api.add_router("/", keyaccounts_router)
    api.add_router("/planning", planning_router)
    api.add_router("/knowledge", knowledge_router)
    api.add_router("/", knowledge_portal_router)  # the portal's help: /api/v1/portal/help/…
    api.add_router("/", invoicing_router)  # e-invoices (BILL-8): /api/v1/invoices/…


_register_routers()
