"""The notices app's writes, one module per sub-domain: ``outbox`` (the one writer every app
calls), ``templates``, ``outages``, ``campaigns``, ``sender``, ``gateways``, ``receipts``,
``contacts`` and ``demo``.

Other apps queue messages with ``notice_enqueue`` (one) or ``notices_enqueue`` (many, bulk)."""

from gridcare.notices.services.outbox import NewNotice, notice_enqueue, notices_enqueue

__all__ = ["NewNotice", "notice_enqueue", "notices_enqueue"]
