"""The payment providers behind one interface (``base.Provider``): the simulated one, WeChat Pay
and Alipay, each switched on in ``settings.GRIDCARE_PAYMENT_PROVIDERS``."""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from gridcare.billing.exceptions import ProviderUnavailable
from gridcare.billing.services.providers.alipay import Alipay
from gridcare.billing.services.providers.base import (
    Acknowledgement,
    OrderToStart,
    Outcome,
    Provider,
    ProviderNotice,
    RawNotification,
)
from gridcare.billing.services.providers.simulated import Simulated
from gridcare.billing.services.providers.wechat import WeChatPay

__all__ = [
    "PROVIDERS",
    "Acknowledgement",
    "OrderToStart",
    "Outcome",
    "Provider",
    "ProviderNotice",
    "RawNotification",
    "configured_providers",
    "provider_for",
]

logger = logging.getLogger("gridcare.payments")

PROVIDERS: dict[str, Provider] = {p.code: p for p in (Simulated(), WeChatPay(), Alipay())}


def provider_for(code: str) -> Provider:
    """The provider ``code`` if it is switched on and configured; else ``ProviderUnavailable``
    (404) saying so (what is missing goes to the log, for the administrator)."""
    provider = PROVIDERS.get(code)
    if provider is None:
        raise ProviderUnavailable(_("没有这种支付方式。"))
    if not provider.enabled():
        raise ProviderUnavailable(_("%(provider)s 暂未开通。") % {"provider": provider.label})
    missing = provider.missing()
    if missing:
        logger.error("payment provider %s is switched on without %s", code, ", ".join(missing))
        raise ProviderUnavailable(
            _("%(provider)s 的配置不完整（缺少 %(missing)s），暂不能使用。")
            % {"provider": provider.label, "missing": "、".join(missing)}
        )
    return provider


def configured_providers() -> list[Provider]:
    """The providers a customer may choose now (switched on, with every setting they need)."""
    return [p for p in PROVIDERS.values() if p.enabled() and not p.missing()]
