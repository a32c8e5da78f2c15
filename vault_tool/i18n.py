"""The words of the dashboard and the command line, in English and Chinese.

Chinese follows how small firms talk about their customers: 客户, 跟进,
商机, 沟通记录, 负责人.
"""

from __future__ import annotations

import unicodedata

UI: dict[str, tuple[str, str]] = {
    # navigation and page titles
    "home": ("Home", "首页"),
    "todays_work": ("Today's work", "今日工作"),
    "pipeline": ("Pipeline", "销售漏斗"),
    "segments": ("Segments", "客户分类"),
    "value_churn": ("Value & churn", "价值与流失"),
    "owners": ("Owners", "负责人"),
    "menu": ("Menu", "菜单"),
    "error_count": ("{count} errors", "{count} 个错误"),
    "customers": ("Customers", "客户"),
    "follow_ups": ("Follow-ups", "跟进"),
    "problems": ("Problems", "问题"),
    "dashboard": ("Dashboard", "看板"),
    "skip_to_content": ("Skip to content", "跳到正文"),
    "main_navigation": ("Main navigation", "主导航"),
    # customer fields
    "id": ("ID", "编号"),
    "name": ("Name", "名称"),
    "status": ("Status", "状态"),
    "owner": ("Owner", "负责人"),
    "tags": ("Tags", "标签"),
    "industry": ("Industry", "行业"),
    "region": ("Region", "地区"),
    "source": ("Source", "来源"),
    "created": ("Created", "创建日期"),
    "cadence": ("Cadence", "跟进周期"),
    "contacts": ("Contacts", "联系人"),
    "role": ("Role", "职位"),
    "email": ("Email", "邮箱"),
    "phone": ("Phone", "电话"),
    "wechat": ("WeChat", "微信"),
    "deals": ("Deals", "商机"),
    "title": ("Title", "名称"),
    "stage": ("Stage", "阶段"),
    "value": ("Value", "金额"),
    "currency": ("Currency", "币种"),
    "probability": ("Probability", "赢单概率"),
    "expected_close": ("Expected close", "预计成交"),
    "closed_on": ("Closed", "关闭日期"),
    "purchases": ("Purchases", "购买记录"),
    "date": ("Date", "日期"),
    "amount": ("Amount", "金额"),
    "product": ("Product", "产品"),
    "log": ("Log", "沟通记录"),
    "notes": ("Notes", "备注"),
    "details": ("Details", "详细信息"),
    "other_fields": ("Other fields", "其他字段"),
    "last_contact": ("Last contact", "最近联系"),
    "next_follow_up": ("Next follow-up", "下次跟进"),
    "next_step": ("Next step", "下一步"),
    "due": ("Due", "到期"),
    "overdue_days": ("Days overdue", "逾期天数"),
    "customer": ("Customer", "客户"),
    "reason": ("Reason", "原因"),
    "reason_scheduled": ("scheduled", "已预约"),
    "reason_cadence": ("by cadence", "按周期"),
    "reason_None": ("no plan", "无计划"),
    "channel": ("Channel", "方式"),
    # follow-up groups
    "overdue": ("Overdue", "已逾期"),
    "due_today": ("Due today", "今天到期"),
    "this_week": ("This week", "本周"),
    "later": ("Later", "以后"),
    "no_plan": ("No plan", "无跟进计划"),
    "going_cold": ("Going cold", "即将流失"),
    "no_plan_help": (
        "Open customers with no next follow-up and no cadence: nobody will be reminded.",
        "没有下次跟进日期、也没有跟进周期的客户：不会有人被提醒。",
    ),
    "going_cold_help": (
        "No contact for longer than {after}.",
        "超过 {after} 没有联系。",
    ),
    "days_late": ("{days} days late", "逾期 {days} 天"),
    "in_days": ("in {days} days", "{days} 天后"),
    "today": ("today", "今天"),
    "closed": ("closed", "已关闭"),
    "none": ("None", "无"),
    "nothing_here": ("Nothing here.", "暂无。"),
    # long lists, page by page
    "showing_range": ("Showing {first}–{last} of {total}", "第 {first}–{last} 条，共 {total} 条"),
    "showing_owners": ("Owners {first}–{last} of {total}", "负责人 第 {first}–{last} 位，共 {total} 位"),
    "previous_page": ("Previous", "上一页"),
    "next_page": ("Next", "下一页"),
    "page_n": ("Page {number}", "第 {number} 页"),
    "page_n_of": ("page {number} of {count}", "第 {number} 页，共 {count} 页"),
    "pages_of": ("Pages of {what}", "{what}：分页"),
    "more_deals": ("{count} more deals", "另有 {count} 个商机"),
    "stage_deals": ("Open deals: {stage}", "在跟商机：{stage}"),
    # the customer table
    "search": ("Search", "搜索"),
    "search_placeholder": ("Name, contact, phone, tag…", "名称、联系人、电话、标签…"),
    "all": ("All", "全部"),
    "showing_rows": ("Showing {shown} of {total} customers", "显示 {shown} / {total} 位客户"),
    "show_more": ("Show more", "显示更多"),
    "no_script": (
        "The customer table needs JavaScript. The follow-ups page and customers.csv work without it.",
        "客户表需要启用 JavaScript。跟进页和 customers.csv 无需 JavaScript。",
    ),
    # pages
    "as_of": ("As of {today}", "截至 {today}"),
    "customer_count": ("{count} customers", "共 {count} 位客户"),
    "problem_count": ("{errors} errors, {warnings} warnings", "{errors} 个错误，{warnings} 个警告"),
    "no_problems": ("No problems: every note is valid.", "没有问题：所有笔记均有效。"),
    "problems_intro": (
        "Files with errors are left out of the dashboard, or shown without the broken value. "
        "Fix them in your editor; line numbers count from the top of the file.",
        "有错误的文件不会出现在看板中，或只显示无误的部分。请在编辑器中修改；行号从文件第一行算起。",
    ),
    "file": ("File", "文件"),
    "line": ("Line", "行"),
    "severity": ("Severity", "级别"),
    "message": ("Message", "说明"),
    "code": ("Code", "代码"),
    "error": ("error", "错误"),
    "warning": ("warning", "警告"),
    "has_errors": ("This note has errors; see Problems.", "这份笔记有错误，详见「问题」页。"),
    "no_log": ("No log entries yet.", "暂无沟通记录。"),
    "edit_hint": ("Edit {path} to change this customer.", "修改 {path} 即可更新此客户。"),
    "generated": ("Generated by vault-tool from {name}.", "由 vault-tool 根据 {name} 生成。"),
    "back_to_customers": ("All customers", "全部客户"),
    # statuses and channels with known translations
    "status_lead": ("lead", "线索"),
    "status_prospect": ("prospect", "潜在客户"),
    "status_active": ("active", "合作中"),
    "status_dormant": ("dormant", "休眠"),
    "status_lost": ("lost", "已流失"),
    "stage_qualified": ("qualified", "已确认需求"),
    "stage_proposal": ("proposal", "方案报价"),
    "stage_negotiation": ("negotiation", "谈判"),
    "stage_won": ("won", "赢单"),
    "stage_lost": ("lost", "输单"),
    "channel_call": ("call", "电话"),
    "channel_email": ("email", "邮件"),
    "channel_meeting": ("meeting", "会议"),
    "channel_visit": ("visit", "拜访"),
    "channel_wechat": ("WeChat", "微信"),
    "channel_message": ("message", "消息"),
    "channel_note": ("note", "备注"),
    # home
    "key_figures": ("Key figures", "关键数字"),
    "see_all": ("See all {count}", "查看全部 {count} 项"),
    "open_pipeline": ("Open pipeline", "在跟商机金额"),
    "weighted": ("Weighted", "加权金额"),
    "forecast_quarter": ("Forecast {quarter}", "{quarter} 预测"),
    "won_this_month": ("Won this month", "本月赢单"),
    "done_this_week": ("Follow-ups done this week", "本周已跟进次数"),
    "deal_count": ("deals: {count}", "商机 {count} 个"),
    "customers_by_status": ("Customers by status", "客户状态分布"),
    "customers_by_status_desc": ("How many customers are in each status.", "每种状态下的客户数量。"),
    "no_status": ("no status", "未设状态"),
    "no_data": ("No data", "暂无数据"),
    "activity_title": ("Activity per week", "每周沟通次数"),
    "activity_desc": ("Log entries per week over the last {weeks} weeks, oldest first.",
                      "最近 {weeks} 周每周的沟通记录条数，按时间先后排列。"),
    # pipeline
    "board": ("Open deals by stage", "各阶段在跟商机"),
    "deal": ("Deal", "商机"),
    "no_stage": ("no stage", "未设阶段"),
    "pipeline_by_stage": ("Pipeline by stage", "各阶段商机金额"),
    "pipeline_by_stage_desc": ("Open deal value in each stage.", "每个阶段在跟商机的总金额。"),
    "forecast_title": ("Weighted forecast by month", "按月加权预测"),
    "forecast_desc": (
        "Open deal value times its probability, by expected close month; overdue deals first.",
        "在跟商机金额乘以赢单概率，按预计成交月份汇总；逾期商机列在最前。",
    ),
    "bucket_overdue": ("overdue", "已逾期"),
    "bucket_undated": ("no date", "无日期"),
    "bucket_later": ("later", "以后"),
    "history_title": ("History", "修改历史"),
    "last_changed": ("Last changed by {author} on {when}.", "最后由 {author} 于 {when} 修改。"),
    "uncommitted_edits": ("This note has edits that are not committed yet; the history below "
                          "shows the committed versions.",
                          "这份笔记有尚未提交的修改；下面的历史只列出已提交的版本。"),
    "stage_analytics": ("Stage analytics", "阶段分析"),
    "stage_analytics_help": ("From the git history of each deal's stage. Median days: over deals "
                             "that moved on. Next stage and won later: of the deals that reached "
                             "the stage.",
                             "根据每个商机阶段的 git 历史计算。中位天数：只计已进入下一阶段的商机。"
                             "进入下一阶段和最终成交：占到达该阶段商机的比例。"),
    "reached": ("Deals reached", "到达的商机"),
    "median_days": ("Median days", "中位天数"),
    "onward": ("On to the next stage", "进入下一阶段"),
    "won_later": ("Won later", "最终成交"),
    "win_rate_line": ("Win rate {rate} ({won} won, {lost} lost).",
                      "成交率 {rate}（成交 {won}，丢单 {lost}）。"),
    "stuck_deals": ("Stuck longer than their stage's median", "停留时间超过阶段中位数的商机"),
    "days_in_stage": ("Days in stage", "停留天数"),
    "then_vs_now": ("Pipeline then vs now", "季度初与现在的销售管道"),
    "then_vs_now_help": ("Then: the vault at commit {commit} ({day}), the last on or before the "
                         "start of {quarter} ({start}).",
                         "季度初：提交 {commit}（{day}）时的客户库，即 {quarter} 开始（{start}）"
                         "当天或之前的最后一次提交。"),
    "then": ("Start of the quarter", "季度初"),
    "now": ("Now", "现在"),
    "weighted_open": ("Weighted open pipeline", "加权在途金额"),
    "past_expected_close": ("Deals past their expected close date", "已过预计成交日期的商机"),
    "stale_deals": ("Deals with no contact for 30 days", "30 天未联系的商机"),
    "stale_deals_help": (
        "Open deals whose customer has no log entry in the last 30 days.",
        "客户最近 30 天没有沟通记录的在跟商机。",
    ),
    "never": ("never", "从未"),
    "won_90_days": ("Won, last 90 days", "近 90 天赢单"),
    "not_counted_note": (
        "{count} deals are in a currency without an exchange rate and are not in the totals; "
        "add it under rates in vault.yml.",
        "{count} 个商机的币种没有汇率，未计入合计；请在 vault.yml 的 rates 中添加。",
    ),
    # segments
    "segments_intro": (
        "Customers grouped by each field: how many, their open pipeline and what they bought.",
        "按各字段对客户分组：客户数、在跟商机金额和购买金额。",
    ),
    "tag": ("Tag", "标签"),
    "not_set": ("(not set)", "（未填写）"),
    "customers_by": ("Customers by {what}", "按{what}统计客户"),
    "customers_by_desc": ("Number of customers for each {what}.", "每个{what}下的客户数量。"),
    "purchases_12m": ("Purchases, 12 months", "近 12 个月购买"),
    "purchases_all": ("Purchases, all time", "累计购买"),
    # value and churn
    "rfm_title": ("Customer value (RFM)", "客户价值（RFM）"),
    "rfm_intro": (
        "Recency, frequency and monetary value of purchases from {start} to {today}, each "
        "scored 1 to 5 against the other buying customers (5 is best).",
        "按 {start} 至 {today} 的购买记录计算最近购买（R）、购买频次（F）和购买金额（M），"
        "每项与其他购买客户相比打 1 到 5 分（5 分最好）。",
    ),
    "rfm_segment": ("Segment", "分群"),
    "rfm_chart_title": ("Customers by value segment", "各价值分群的客户数"),
    "rfm_chart_desc": ("How many buying customers fall in each RFM segment.",
                       "每个 RFM 分群中的购买客户数量。"),
    "rfm_champions": ("champions", "核心客户"),
    "rfm_loyal": ("loyal", "忠诚客户"),
    "rfm_new": ("new", "新客户"),
    "rfm_at_risk": ("at risk", "流失风险"),
    "rfm_hibernating": ("hibernating", "沉睡客户"),
    "rfm_potential": ("potential", "潜力客户"),
    "rfm_champions_help": ("bought recently and often", "最近买过且经常购买"),
    "rfm_loyal_help": ("buy often", "经常购买"),
    "rfm_new_help": ("first purchase, recently", "最近首次购买"),
    "rfm_at_risk_help": ("used to buy often or a lot, not lately", "以前常买或买得多，最近没有"),
    "rfm_hibernating_help": ("few purchases, long ago", "购买少且很久没买"),
    "rfm_potential_help": ("everyone else who buys", "其他购买客户"),
    "recency_days": ("Days since purchase", "距上次购买天数"),
    "frequency_12m": ("Purchases", "购买次数"),
    "monetary_12m": ("Amount", "购买金额"),
    "last_purchase": ("Last purchase", "最近购买"),
    "no_purchases": ("No purchases recorded yet.", "还没有购买记录。"),
    "rfm_unscored": ("{count} customers have no purchases and are not scored.",
                     "{count} 位客户没有购买记录，未参与评分。"),
    "churn_title": ("Churn: buyers who stopped", "流失预警：已停止购买的客户"),
    "churn_intro": (
        "Customers whose time since their last purchase is longer than {after} and than twice "
        "their usual gap between purchases.",
        "距上次购买的时间既超过 {after}，也超过其平时购买间隔两倍的客户。",
    ),
    "days_since": ("Days since", "已过天数"),
    "median_gap": ("Usual gap (days)", "平时间隔（天）"),
    # owners and follow-ups by owner
    "no_owner": ("(no owner)", "（无负责人）"),
    "log_30_days": ("Log entries, 30 days", "近 30 天沟通"),
    "owners_help": ("Amounts in {currency}; deal counts in brackets.",
                    "金额单位：{currency}；括号内为商机数量。"),
    "owners_help_plain": ("Deal counts in brackets.", "括号内为商机数量。"),
    "downloads": ("Data", "数据下载"),
    "download_csv": ("customers.csv (Excel)", "customers.csv（Excel）"),
    "download_json": ("customers.json", "customers.json"),
    "follow_ups_by_owner": ("Follow-ups by owner", "按负责人查看跟进"),
    "follow_ups_all": ("All follow-ups", "全部跟进"),
    "by_owner_help": ("Overdue and due within 7 days, per owner.", "每位负责人已逾期及 7 天内到期的跟进。"),
    "calendar_feed": ("Calendar feed (.ics)", "日历订阅（.ics）"),
    # command line
    "check_summary": (
        "{customers} customers, {errors} errors, {warnings} warnings",
        "{customers} 位客户，{errors} 个错误，{warnings} 个警告",
    ),
    "nothing_due": ("Nothing overdue or due within {within}.", "{within} 内没有到期或逾期的跟进。"),
    "errors_hint": (
        "Note: the vault has {errors} errors; run `vault-tool check`.",
        "注意：客户库有 {errors} 个错误，请运行 `vault-tool check`。",
    ),
    "no_such_customer": ("no customer with id '{id}'.", "找不到编号为 '{id}' 的客户。"),
    "did_you_mean": ("Did you mean '{suggestion}'?", "您是不是想找 '{suggestion}'？"),
    "strict_refused": (
        "build refused: {errors} errors and --strict was given; nothing was written.",
        "已拒绝生成：有 {errors} 个错误且使用了 --strict，未写入任何文件。",
    ),
    "built": (
        "Built {pages} files into {out} ({written} written, {removed} removed; "
        "{errors} errors, {warnings} warnings).",
        "已生成 {pages} 个文件到 {out}（写入 {written} 个，删除 {removed} 个；"
        "{errors} 个错误，{warnings} 个警告）。",
    ),
}


def tr(locale: str, key: str) -> str:
    """The word for `key` in `locale`. An unknown key is a bug, so it fails loudly
    (and in the tests) instead of showing an untranslated key to a user."""
    pair = UI[key]
    return pair[1] if locale == "zh" else pair[0]


def tr_or(locale: str, key: str, default: str) -> str:
    """The word for `key`, or `default` for keys that come from the user (custom fields)."""
    return tr(locale, key) if key in UI else default


def label(locale: str, kind: str, value: str | None) -> str:
    """A status, stage or channel in the reader's language, when we know the word."""
    if value is None:
        return ""
    pair = UI.get(f"{kind}_{value}")
    if pair is None:
        return value
    return pair[1] if locale == "zh" else pair[0]


def width(text: str) -> int:
    """Display width in a terminal: Chinese characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def text_table(header: list[str], rows: list[list[str]]) -> str:
    """A plain table aligned for terminals, Chinese included."""
    widths = [max(width(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        parts = [c + " " * (w - width(c)) for c, w in zip(cells, widths, strict=True)]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)])
