"""Built-in message templates (Chinese), used until a province edits them in the staff pages.

Variables are written {name}. A template saved in the database (NoticeTemplate, active) with the
same code takes precedence.
"""

from __future__ import annotations

from gridcare.notices.models import Category

# code: (category, text)
DEFAULT_TEMPLATES: dict[str, tuple[str, str]] = {
    "portal_login_code": (
        Category.VERIFICATION,
        "【国网示范市供电公司】您的登录验证码为{code}，{minutes}分钟内有效。请勿告诉他人，工作人员不会向您索要验证码。",
    ),
    "queue_near": (
        Category.QUEUE,
        "【国网示范市供电公司】您在{hall}取的{number}号，前面还有{ahead}位，请留意叫号，勿走远。",
    ),
    "appointment_reminder": (
        Category.SERVICE,
        "【国网示范市供电公司】您预约了{day}{start}-{end}在{hall}办理{business}，预约号{reference}，请按时到厅签到。如需取消请登录网上营业厅。",
    ),
    # Home service (上门服务) and the mobile service rounds (流动服务车), WO-9 (gridcare.halls).
    "home_visit_scheduled": (
        Category.WORK_ORDER,
        "【国网示范市供电公司】您申请的上门服务（{business}）已安排：{day}{start}-{end}，工作人员{clerk}将上门办理，请保持电话畅通。",
    ),
    "home_visit_done": (
        Category.WORK_ORDER,
        "【国网示范市供电公司】您申请的上门服务（{business}）已办结。办理情况：{note}。感谢您的支持。",
    ),
    "home_visit_failed": (
        Category.WORK_ORDER,
        "【国网示范市供电公司】您申请的上门服务（{business}）本次未能办成：{note}。营业厅将与您联系，或请致电95598。",
    ),
    "home_visit_cancelled": (
        Category.WORK_ORDER,
        "【国网示范市供电公司】您申请的上门服务（{business}）已取消：{reason}。如有需要请致电95598或重新申请。",
    ),
    "mobile_round_reminder": (
        Category.SERVICE,
        "【国网示范市供电公司】流动服务车将于{day}{start}-{end}到{village}（{place}）现场办理缴费、业务咨询等，欢迎前来。",
    ),
    # To a key-account manager (gridcare.keyaccounts, KEY-2), by the staff app's push: the day
    # before a planned visit, and an outage or a peak-shift order (错峰) that touches accounts of
    # theirs (the list and each account's emergency plan are on the page named).
    "key_account_visit_reminder": (
        Category.WORK_ORDER,
        "【大客户服务】明天（{day}）您计划走访{customer}（户号{account_no}），目的：{purpose}。",
    ),
    "key_account_outage": (
        Category.WORK_ORDER,
        "【大客户服务】{start}至{end}的停电涉及您的{count}户大客户：{accounts}。请查看各户应急方案：{link}",
    ),
    "key_account_peak_shift": (
        Category.WORK_ORDER,
        "【大客户服务】{date} {start}至{end}错峰，负荷上限{limit_kw}千瓦，涉及您的{count}户大客户：{accounts}。请查看各户应急方案：{link}",
    ),
    "bill_issued": (
        Category.BILL,
        "【国网示范市供电公司】户号{account_no}，{period}电费{amount}元，请于{due_date}前缴纳。",
    ),
    # A bill whose usage is unusual (SELF-4, issue 18; gridcare.knowledge.bill_messages): the
    # reason (well above the same month last year, or tier 3) and the 节电 help's article.
    "bill_issued_unusual": (
        Category.BILL,
        "【国网示范市供电公司】户号{account_no}，{period}电费{amount}元，请于{due_date}前缴纳。{reason}，节电小贴士《{advice}》：{link}",
    ),
    "payment_received": (
        Category.PAYMENT,
        "【国网示范市供电公司】户号{account_no}于{paid_at}缴费{amount}元，感谢您的支持。",
    ),
    # A payment reversed (冲正, issue 19; gridcare.billing): a bank return, a refund, a chargeback, a counter error.
    "payment_reversed": (
        Category.PAYMENT,
        "【国网示范市供电公司】户号{account_no}于{paid_at}的缴费{amount}元已撤销（{reason}），当前应缴电费{due}元。如有疑问请致电95598。",
    ),
    # E-invoices (数电发票, BILL-8; gridcare.invoicing), by e-mail: issued, and its red counterpart (冲红).
    "einvoice_issued": (
        Category.PAYMENT,
        "【{company}】户号{account_no}的电子发票已于{issued_at}开具，发票号码{number}，价税合计{gross}元。可在网上营业厅“我的发票”下载。",
    ),
    "einvoice_red": (
        Category.PAYMENT,
        "【{company}】户号{account_no}的缴费已冲正，原电子发票{original}已开具红字发票{number}冲销，价税合计{gross}元。",
    ),
    # A bill cancelled and billed again (更正, issue 19; gridcare.billing).
    "bill_corrected": (
        Category.BILL,
        "【国网示范市供电公司】户号{account_no}{period}电费经核查已更正：原{old}元，更正后{amount}元，已缴款项已转入新账单，尚需缴纳{due}元，缴费截止日{due_date}。如有疑问请致电95598。",
    ),
    # A refund of the credit balance paid out (退费, issue 19; gridcare.billing).
    "refund_paid": (
        Category.PAYMENT,
        "【国网示范市供电公司】户号{account_no}的退款{amount}元已于{day}退至{to}，请注意查收。如有疑问请致电95598。",
    ),
    # A refund line the bank could not pay (issue 19; gridcare.billing): the money is back in the balance.
    "refund_failed": (
        Category.PAYMENT,
        "【国网示范市供电公司】户号{account_no}的退款{amount}元未能退至{to}（{reason}），款项已退回账户余额，请致电95598或到营业厅更正收款账户。",
    ),
    # An account's closure (销户, issue 19; gridcare.billing): the final bill and the settlement.
    "account_closed": (
        Category.PAYMENT,
        "【国网示范市供电公司】户号{account_no}已办理销户，末期电费{amount}元；{settlement}。如有疑问请致电95598。",
    ),
    # A paid value-added service's payment (有偿增值服务, WO-10; gridcare.billing), as payment_received for a bill.
    "service_order_paid": (
        Category.PAYMENT,
        "【国网示范市供电公司】户号{account_no}的有偿服务订单{order_no}（{services}）已于{paid_at}支付{amount}元，工作人员将与您联系约定上门时间。",
    ),
    "arrears_reminder": (
        Category.ARREARS,
        "【国网示范市供电公司】户号{account_no}尚欠电费{amount}元，已逾期{days}天，请尽快缴纳，以免产生违约金。",
    ),
    # Dunning (BILL-7, issue 19; gridcare.billing): the written cut-off notice served, the last
    # warning DISCONNECT_FINAL_NOTICE_MINUTES before the planned cut-off (both required notices,
    # never opted out: Category.DISCONNECTION), the supply restored (opt-out-able).
    "cutoff_notice": (
        Category.DISCONNECTION,
        "【国网示范市供电公司】户号{account_no}欠费{amount}元已逾期{days}天，停电通知已送达，如未缴清将于{start}至{end}期间停电。请尽快缴纳。",
    ),
    "cutoff_warning": (
        Category.DISCONNECTION,
        "【国网示范市供电公司】户号{account_no}因欠费{amount}元，将于{at}停电。缴清后24小时内恢复供电，如已缴纳请忽略。",
    ),
    "supply_reconnected": (
        Category.ARREARS,
        "【国网示范市供电公司】户号{account_no}已于{at}恢复供电，感谢您的支持。",
    ),
    # Instalment plans of arrears (分期缴费, issue 19).
    "instalment_plan_approved": (
        Category.ARREARS,
        "【国网示范市供电公司】户号{account_no}欠费{amount}元已办理分期，共{count}期，首期{first}元请于{due_date}前缴纳。分期期间不计违约金。",
    ),
    "instalment_plan_broken": (
        Category.ARREARS,
        "【国网示范市供电公司】户号{account_no}第{number}期分期款未按期缴纳，分期已终止，尚欠电费{amount}元，自{date}起恢复计收违约金。",
    ),
    "low_balance": (
        Category.BALANCE,
        "【国网示范市供电公司】户号{account_no}预付电费余额{balance}元，低于{threshold}元，请及时充值。",
    ),
    "planned_outage": (
        Category.OUTAGE,
        "【国网示范市供电公司】因{reason}，{area}将于{start}至{end}停电，给您带来不便敬请谅解。",
    ),
    "fault_outage": (
        Category.OUTAGE,
        "【国网示范市供电公司】{area}因故障停电，抢修人员正在处理，预计{eta}恢复供电。",
    ),
    "power_restored": (
        Category.OUTAGE,
        "【国网示范市供电公司】{area}已于{at}恢复供电，感谢您的耐心等待。",
    ),
    "outage_cancelled": (
        Category.OUTAGE,
        "【国网示范市供电公司】原定{start}至{end}{area}的停电已取消，届时将正常供电，特此告知。",
    ),
    "peak_shift": (
        Category.PEAK_SHIFT,
        "【国网示范市供电公司】户号{account_no}：按有序用电安排，{date} {start}至{end}请将用电负荷控制在{limit_kw}千瓦以内，感谢配合。",
    ),
    # A satisfaction survey's link (gridcare.assessment, ASSESS-5): a service message, so a
    # customer who opted out is spared it (rules.OPT_OUT_CATEGORIES).
    "survey_invite": (
        Category.SERVICE,
        "【国网示范市供电公司】诚邀您参加供电服务满意度调查，约需3分钟：{link} ，{expires}前有效。回复TD退订。",
    ),
    # To a member of staff, by the staff app's push to their 工号 (gridcare.workorders, issue 18):
    # an order of theirs urged by the customer, or escalated (GRIDCARE_WO_ESCALATION_NOTIFY_OWNER).
    "work_order_staff_alert": (
        Category.WORK_ORDER,
        "【95598工单】您负责的工单{number}{what}，请及时处理。",
    ),
    "work_order_update": (
        Category.WORK_ORDER,
        "【国网示范市供电公司】您的工单{number}{status}。如有疑问请致电95598。",
    ),
}
