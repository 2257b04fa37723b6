"""The first complaint cause taxonomy (ASSESS-6): a few causes per complaint class, in the words
of the 95598 complaint classification. Administrators change it afterwards on 投诉原因."""

from django.db import migrations

# (code, class, name), in the order each class lists them.
CAUSES = [
    ("service_attitude", "service", "服务态度"),
    ("service_conduct", "service", "服务规范"),
    ("service_time_limit", "service", "业务办理时限"),
    ("service_channel", "service", "服务渠道"),
    ("service_other", "service", "其他服务问题"),
    ("business_tariff", "business", "电费电价"),
    ("business_billing", "business", "抄表核算"),
    ("business_connection", "business", "业扩报装"),
    ("business_metering", "business", "计量"),
    ("business_payment", "business", "交费服务"),
    ("business_change", "business", "用电变更"),
    ("business_other", "business", "其他营业问题"),
    ("outage_notice", "outage", "停电信息告知"),
    ("outage_frequent", "outage", "频繁停电"),
    ("outage_repair_time", "outage", "抢修时限"),
    ("outage_repair_quality", "outage", "抢修质量"),
    ("outage_planned_overrun", "outage", "计划停电超时"),
    ("outage_other", "outage", "其他停送电问题"),
    ("quality_voltage", "supply_quality", "电压质量"),
    ("quality_reliability", "supply_quality", "供电可靠性"),
    ("quality_other", "supply_quality", "其他供电质量问题"),
    ("grid_construction_impact", "grid_construction", "施工影响"),
    ("grid_line_facility", "grid_construction", "线路设施"),
    ("grid_compensation", "grid_construction", "赔偿纠纷"),
    ("grid_other", "grid_construction", "其他电网建设问题"),
]


def seed(apps, schema_editor):
    Cause = apps.get_model("workorders", "ComplaintCause")
    positions: dict[str, int] = {}
    for code, klass, name in CAUSES:
        positions[klass] = positions.get(klass, 0) + 10
        Cause.objects.get_or_create(
            code=code, defaults={"complaint_class": klass, "name": name, "position": positions[klass]}
        )


def unseed(apps, schema_editor):
    Cause = apps.get_model("workorders", "ComplaintCause")
    Cause.objects.filter(code__in=[c for c, _k, _n in CAUSES], orders__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("workorders", "0005_complaint_causes")]

    operations = [migrations.RunPython(seed, unseed)]
