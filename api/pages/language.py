"""The pages in Chinese and in English (issue 14 item 4): the two languages,
the catalogue of every sentence the pages write (English → Chinese), and the
choice of a request's language: the `lang` cookie the header's switch sets,
else the browser's Accept-Language, else English.

Templates call `_("English text", name=value)`, bound by
`api.pages.rendering.render` to the request's language; Python modules mark
the text they hand to a page with the module-level `_` below (it returns the
text unchanged: the page translates it when it renders). A test extracts every
marked string and checks the catalogue has it, and nothing more."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable

from markupsafe import Markup, escape
from starlette.requests import Request

from api.pages.language_steps import STEP_CHINESE
from api.pages.language_work import WORK_CHINESE

LANGUAGES = ("zh", "en")
DEFAULT = "en"
HTML_LANG = {"zh": "zh-CN", "en": "en"}
COOKIE_NAME = "lang"
COOKIE_SECONDS = 365 * 24 * 3600
MAX_ACCEPT_LANGUAGE_CHARACTERS = 500
RULE_WORDS = json.loads((Path(__file__).parent / "rule_words.json").read_text(encoding="utf-8"))
SCRIPT_TEXT = re.compile(r'\bt\("([^"\\]*)"')  # t("...") in static/*.js (static/words.js)


def _(text: str) -> str:
    """Marks text a page will show; the page translates it when it renders."""
    return text


class Word(str):
    """A value for a `{name}` place that is itself catalogue text (a role, a
    region): the page shows it in the reader's language too."""


def language_of(request: Request) -> str:
    """The `lang` cookie if it names a language, else the first of zh or en the
    browser's Accept-Language prefers (zh, zh-CN, zh-TW... are Chinese), else English."""
    chosen = request.cookies.get(COOKIE_NAME)
    if chosen in LANGUAGES:
        return chosen
    return preferred(request.headers.get("accept-language", ""))


def preferred(accept_language: str) -> str:
    """The language of an Accept-Language header (RFC 9110 12.5.4): its
    entries by weight, highest first, the first that is Chinese or English."""
    entries = []
    for position, entry in enumerate(accept_language[:MAX_ACCEPT_LANGUAGE_CHARACTERS].split(",")):
        tag, _separator, parameters = entry.strip().partition(";")
        weight = 1.0
        if parameters.strip().lower().startswith("q="):
            try:
                weight = float(parameters.strip()[2:])
            except ValueError:
                weight = 0.0
        if weight > 0:
            entries.append((-weight, position, tag.strip().lower().split("-", 1)[0]))
    for _weight, _position, primary in sorted(entries):
        if primary in LANGUAGES:
            return primary
    return DEFAULT


def words(language: str) -> Callable[..., Markup]:
    """The page's `_`: the catalogue's text in `language`, with `{name}`
    filled from the keyword arguments (escaped). Text that is not in the
    catalogue (a ledger's refusal, a name) is shown as given, escaped."""

    def translate(text: str, /, **values: object) -> Markup:
        if not isinstance(text, str) or text not in CHINESE:
            return escape(text)
        values = {name: translate(value) if isinstance(value, Word) else value for name, value in values.items()}
        return Markup(CHINESE[text] if language == "zh" else text).format(**values)

    return translate


def plain(language: str, text: str, /, **values: object) -> str:
    """As `words`, for a JSON answer: plain text, nothing escaped."""
    if text not in CHINESE:
        return text
    values = {name: plain(language, value) if isinstance(value, Word) else value for name, value in values.items()}
    return (CHINESE[text] if language == "zh" else text).format(**values)


def script_words(language: str) -> dict[str, str]:
    """The Chinese of the text the pages' scripts write (`t("...")` in
    static/*.js), for the page to hand them (#page-words); none in English."""
    return {text: CHINESE[text] for text in SCRIPT_TEXTS} if language == "zh" else {}


def rule_line(language: str) -> Callable[[str | None], dict[str, str] | None]:
    """A rule ID's line from DOMAIN.md (api/pages/rule_words.json, written by
    scripts/rule-words.py) and its language: the notice's own Chinese words,
    or the English sentence when the line quotes none; None for no rule."""

    def line(rule: str | None) -> dict[str, str] | None:
        found = RULE_WORDS.get(rule or "")
        if found is None:
            return None
        if language == "zh" and found["zh"]:
            return {"text": found["zh"], "lang": HTML_LANG["zh"]}
        return {"text": found["en"], "lang": HTML_LANG["en"]}

    return line


def rule_lines(language: str) -> dict[str, str]:
    """Every rule's line in `language` (as rule_line gives it), for a script
    that shows a refusal's rule (static/work.js reads #rule-lines)."""
    line = rule_line(language)
    return {rule: line(rule)["text"] for rule in RULE_WORDS}


def rule_title(language: str) -> Callable[[str | None], str]:
    """A rule's line as a tooltip: its text, or "" for no rule."""
    line = rule_line(language)
    return lambda rule: (line(rule) or {}).get("text", "")


# The roles' names as the notices say them (DOMAIN.md "Who uses it"), and the
# checkpoint signers' (the ledger itself, a witness).
ROLE_WORDS = {
    "bureau": _("bureau"), "finance": _("finance"), "institution": _("institution"), "platform": _("platform"),
    "trainee": _("trainee"), "assessor": _("assessor"), "inspector": _("inspector"), "ledger": _("ledger"),
    "witness": _("witness"), "unknown": _("unknown"),
}

# Codes the ledger stores and the pages show with `_(code)`: in English the
# code itself, in Chinese the notices' words (regions; L14 certificate kinds;
# occupation types, L1/J2; L3 institution kinds; the fraud flags' kinds).
LEDGER_CODES = (
    _("national"), _("hunan-hengyang"), _("liaoning"), _("shandong"), _("jiangxi"),
    _("vocational_qualification"), _("skill_level"), _("special_ability"), _("special_operations"),
    _("training_qualified"), _("knowledge"), _("skill"), _("simulation"),
    _("social_training"), _("high_skill_base"), _("enterprise"), _("project_based"),
    _("redemption_after_exit"), _("certificate_reused"), _("face_check_failed"), _("online_share"), _("two_places"),
    _("day_overflow"), _("training_before_approval"), _("outside_catalogue"), _("institution_outlier"),
    _("skills_upgrading_account"), _("employment_subsidy_fund"), _("unemployment_insurance_fund"),
    _("approved"), _("rejected"), _("cleared"), _("upheld"),
    # on the Work and import pages (api/pages/language_work.py): evidence kinds (H6), allowance groups (N4),
    # training kinds (H4), the import kinds, the queues a form's id comes from (workbench.py)
    _("photo"), _("video"), _("platform_record"), _("attendance_sheet"), _("certificate_scan"),
    _("registered_poor"), _("employment_difficulty"), _("zero_employment_family"), _("two_after_rural"),
    _("urban_minimum_living"), _("employment"), _("upgrade"), _("apprenticeship"),
    _("roster"), _("sessions"), _("results"),
    _("trainees"), _("filings"), _("redemptions"), _("certified"), _("training"), _("balances"), _("prepayments"),
    _("to_claim"), _("to_choose"), _("institutions"), _("record"),
)

# English (as the templates and modules write it) → Chinese. `{name}` places
# stay as they are; markup (<code>) is the pages' own.
CHINESE: dict[str, str] = {
    # the header, the footer, the roles
    "Ledger": "账本",
    "Search": "检索",
    "Inspection draw": "随机抽查",
    "Work": "工作台",
    "Import": "导入",
    "Log in": "登录",
    "Log out": "退出",
    "Every event is signed by the party that did it and chained; checkpoints are signed Merkle roots (RFC 9162). "
    "Check it all offline with <code>vledger verify</code>.":
        "每个事件都由经办方签名并首尾链接；检查点是经签名的默克尔树根（RFC 9162）。"
        "可用 <code>vledger verify</code> 离线核验全部内容。",
    "bureau": "人社局",
    "finance": "财政局",
    "institution": "培训机构",
    "platform": "线上培训平台",
    "trainee": "劳动者",
    "assessor": "评价机构",
    "inspector": "监管方",
    "ledger": "账本",
    "witness": "见证方",
    "unknown": "未知",
    # the ledger's codes
    "national": "全国",
    "hunan-hengyang": "湖南衡阳",
    "liaoning": "辽宁",
    "shandong": "山东",
    "jiangxi": "江西",
    "vocational_qualification": "职业资格证书",
    "skill_level": "职业技能等级证书",
    "special_ability": "专项职业能力证书",
    "special_operations": "特种作业操作证书",
    "training_qualified": "培训合格证书",
    "knowledge": "知识型",
    "skill": "技能型",
    "simulation": "可仿真实训",
    "social_training": "社会培训机构",
    "high_skill_base": "高技能人才培训基地",
    "enterprise": "企业",
    "project_based": "项目制培训机构",
    "redemption_after_exit": "退出后申请兑现",
    "certificate_reused": "证书编号重复使用",
    "face_check_failed": "人脸识别未通过",
    "online_share": "线上课时超比例",
    "two_places": "同一时间出现在两地",
    "day_overflow": "单日学时超出一天",
    "training_before_approval": "开班备案批准前培训",
    "outside_catalogue": "目录外平台",
    "institution_outlier": "机构指标异常",
    "skills_upgrading_account": "职业技能提升行动专账资金",
    "employment_subsidy_fund": "就业补助资金",
    "unemployment_insurance_fund": "失业保险基金",
    "approved": "审核通过",
    "rejected": "审核不通过",
    "cleared": "无异议",
    "upheld": "异议成立",
    # a voucher's events in a sentence (api/pages/timeline.py); reasons and places stay as recorded
    "issued for {occupation}, standard {standard}, valid until {valid_until}":
        "{occupation}，补贴标准 {standard}，有效期至 {valid_until}",
    "enrolled at institution {institution} in class {filing}; subsidy {subsidy}":
        "培训机构 {institution} 受理，编入已备案班级 {filing}；补贴 {subsidy}",
    "{minutes} min online from {signed_in_at}; face checks passed {passed}, failed {failed}":
        "自 {signed_in_at} 起线上学习 {minutes} 分钟；人脸识别通过 {passed} 次，未通过 {failed} 次",
    "{minutes} min offline from {started_at} at {location}": "自 {started_at} 起在 {location} 线下培训 {minutes} 分钟",
    "{minutes} min offline from {started_at} at {location}; {count} evidence hash(es)":
        "自 {started_at} 起在 {location} 线下培训 {minutes} 分钟；佐证材料哈希 {count} 个",
    "passed, certificate {certificate}": "考核合格，证书编号 {certificate}",
    "failed": "考核不合格",
    "redemption requested with {count} evidence hash(es)": "附佐证材料哈希 {count} 个",
    "{decision}: {reason}; checks failed: {failed}": "{decision}：{reason}；未通过的核查：{failed}",
    "{decision}: {reason}; {count} checks passed (L13)": "{decision}：{reason}；{count} 项核查全部通过（L13）",
    "{decision}: {reason}": "{decision}：{reason}",
    "public notice opened until {closes_at}": "公示至 {closes_at} 止",
    "objection: {reason}": "异议：{reason}",
    "public notice closed: {outcome}": "公示结束：{outcome}",
    "living allowance {amount} for {days} day(s), {from_day} to {to_day}, from {fund}":
        "生活费补贴 {amount}，共 {days} 天（{from_day} 至 {to_day}），资金来源：{fund}",
    "prepaid {amount} from {fund}": "预拨 {amount}，资金来源：{fund}",
    "paid {amount} from {fund}": "拨付 {amount}，资金来源：{fund}",
    "allowance paid {amount} from {fund}": "发放生活费补贴 {amount}，资金来源：{fund}",
    "clawed back {amount}: {reason}": "追回 {amount}：{reason}",
    "revoked: {reason}": "撤销：{reason}",
    "expired (valid until {valid_until})": "已过期（有效期至 {valid_until}）",
    "claimed by the trainee": "劳动者已领取",
    "the trainee chose institution {institution}": "劳动者选择培训机构 {institution}",
    # refusals the pages write (the ledger's own refusals are shown as the ledger wrote them)
    "Not yours to see": "无权查看",
    "Not found": "未找到",
    "Refused": "已拒绝",
    "Back to the ledger": "返回账本",
    "log in with your key file to see this page": "请用密钥文件登录后查看本页",
    "no static file {name}": "没有静态文件 {name}",
    "{text} is not a voucher id": "{text} 不是培训券编号",
    "{text} is not an institution id": "{text} 不是培训机构编号",
    "voucher {voucher} does not exist": "培训券 {voucher} 不存在",
    "institution {institution} does not exist": "培训机构 {institution} 不存在",
    "{role} {party} may not see voucher {voucher}: an institution sees its own vouchers, a bureau its region, "
    "an inspector everything":
        "{role} {party} 无权查看培训券 {voucher}：培训机构只能查看本机构的培训券，人社局查看本地区的，监管方可查看全部",
    "{role} {party} may not see institution {institution}: an institution sees only itself, a bureau its region":
        "{role} {party} 无权查看培训机构 {institution}：培训机构只能查看本机构，人社局查看本地区的机构",
    "event #{sequence} is not an event of a voucher you may see": "事件 #{sequence} 不属于您有权查看的培训券",
    "search by national ID (or its hash) only with the search form, which posts it, so that it never sits in an "
    "address, a history or a log":
        "按身份证号（或其哈希）检索只能使用检索表单（以 POST 方式提交），以免它出现在网址、浏览记录或日志中",
    "a search is at most {count} characters": "检索内容最多 {count} 个字符",
    "draw institutions or vouchers, not {kind}": "只能抽取培训机构或培训券，不能抽取 {kind}",
    "unknown region {region}; regions are: {regions}": "未知地区 {region}；可选地区：{regions}",
    "the pages are in Chinese (zh) or English (en), not {language}": "页面语言只有中文（zh）和英文（en），没有 {language}",
    # the ledger page
    "The ledger": "账本",
    "{events} events recorded. Ledger note verifier key:": "已记录 {events} 个事件。账本签名核验公钥：",
    "Last full verification": "最近一次完整核验",
    "recorded by <code>vledger verify</code> at {time} (UTC); run it again to check the ledger as it is now.":
        "由 <code>vledger verify</code> 于 {time}（UTC）记录；再次运行即可核验账本的当前状态。",
    "Never verified: run <code>vledger verify</code> (it re-checks every event's hash, chain link and signature, "
    "and every checkpoint) to record a result here.":
        "从未核验：请运行 <code>vledger verify</code>（逐一复核每个事件的哈希、链接和签名，以及每个检查点），"
        "核验结果会记录在这里。",
    "intact: {events} events and {checkpoints} checkpoints verified": "完好：已核验 {events} 个事件和 {checkpoints} 个检查点",
    "NOT intact: {problem}": "不完好：{problem}",
    "Views stopped": "视图已停止",
    "View <code>{view}</code> cannot apply event {sequence} ({event_type}): {error}":
        "视图 <code>{view}</code> 无法应用事件 {sequence}（{event_type}）：{error}",
    "The ledger accepted the event; the read side stops before it until the cause is fixed. Reads answer 503 and "
    "<code>/readyz</code> is not ready meanwhile.":
        "账本已接受该事件；在原因排除之前，读取端停在该事件之前。在此期间读取请求返回 503，"
        "<code>/readyz</code> 显示未就绪。",
    "Running": "运行情况",
    "The figures <code>/metrics</code> exports, read now.": "<code>/metrics</code> 导出的各项指标，当前读数。",
    "views behind the log": "视图落后于日志",
    "{events} events, {seconds} s of event time": "{events} 个事件，事件时间 {seconds} 秒",
    "latest checkpoint": "最新检查点",
    "latest witness cosignature": "最新见证方联署",
    "none yet": "尚无",
    "{seconds} s ago": "{seconds} 秒前",
    "database connections in use": "在用数据库连接",
    "{used} of {size}": "{used} / {size}",
    "n/a": "不适用",
    "commands refused since start": "启动以来被拒绝的指令",
    "none": "无",
    "Latest checkpoints": "最新检查点",
    "Tree size": "树大小",
    "Time (UTC)": "时间（UTC）",
    "Root hash": "根哈希",
    "Signed by": "签名方",
    "key {key_id}": "密钥 {key_id}",
    "(no witness yet)": "（尚无见证方）",
    "draw": "抽查",
    "No checkpoint yet: run <code>vledger checkpoint</code>.": "尚无检查点：请运行 <code>vledger checkpoint</code>。",
    "Events per day": "每日事件数",
    "events per day": "每日事件数",
    "Fortnightly report (N5 双周调度表)": "双周调度表（N5）",
    "Fortnight {first_day} to {last_day} (UTC), from the views.": "统计期 {first_day} 至 {last_day}（UTC），数据取自视图。",
    "← previous": "← 上一期",
    "next →": "下一期 →",
    "Region": "地区",
    "Trainees registered": "实名注册人数",
    "Trainees in training": "在训人数",
    "Certified": "取证人数",
    "Paid": "拨付",
    "Allowance": "生活费补贴",
    "Clawed back": "追回",
    "Nothing happened in this fortnight.": "本期无业务发生。",
    "No voucher yet.": "尚无培训券。",
    # a voucher
    "Voucher": "培训券",
    "Checking the events' inclusion proofs in this browser…": "正在本浏览器中核验各事件的包含证明…",
    "Status": "状态",
    "{region} (profile {version})": "{region}（政策版本 {version}）",
    "Occupation": "职业",
    "Valid until": "有效期至",
    "Institution": "培训机构",
    "Trainee": "劳动者",
    "a party id; personal data is never shown": "参与方编号；个人信息从不显示",
    "Hours": "学时",
    "{online} min online, {offline} min offline of {hours} class hours":
        "线上 {online} 分钟，线下 {offline} 分钟，应修 {hours} 课时",
    "Certificate": "证书",
    "Subsidy": "补贴",
    "prepaid {prepaid}, paid {paid}, allowance {allowance}, clawed back {clawed_back}":
        "预拨 {prepaid}，拨付 {paid}，生活费补贴 {allowance}，追回 {clawed_back}",
    "Timeline": "全程记录",
    "Its audit trail:": "本券审计记录：",
    "{count} events": "{count} 个事件",
    "Issued": "发券",
    "Claimed": "领取",
    "InstitutionChosen": "选择机构",
    "Enrolled": "受理入班",
    "OnlineLearningRecorded": "线上学习记录",
    "OfflineTrainingRecorded": "线下培训记录",
    "Assessed": "考核评价",
    "RedemptionRequested": "申请兑现",
    "Reviewed": "审核",
    "NoticeOpened": "开始公示",
    "ObjectionRaised": "提出异议",
    "NoticeClosed": "公示结束",
    "AllowancePaid": "发放生活费补贴",
    "Expired": "过期",
    "Revoked": "撤销",
    "ClawedBack": "追回资金",
    "Actor": "经办方",
    "Role": "角色",
    "What happened": "事项",
    "Rule": "规则",
    "Event hash": "事件哈希",
    "Proof": "证明",
    "proof": "证明",
    "{actor} key {key_id}": "{actor}，密钥 {key_id}",
    "The badge is computed by this page's own JavaScript (Web Crypto SHA-256 and Ed25519): each event hash's "
    "RFC 9162 leaf, its audit path and the signed root of the latest checkpoint. That each event hash matches the "
    "event's content and signature is checked by <code>vledger verify</code>.":
        "上方核验结果由本页面自带的 JavaScript 计算（Web Crypto SHA-256 和 Ed25519）：每个事件哈希的 RFC 9162 "
        "叶节点、其审计路径，以及最新检查点经签名的根。每个事件哈希是否与事件内容和签名相符，"
        "由 <code>vledger verify</code> 核验。",
    # an institution
    "banned for life (L12)": "终身禁入（L12）",
    "in the catalogue (L2)": "已入目录（L2）",
    "not in the catalogue": "未入目录",
    "Balances over time": "资金累计变化",
    "Cumulative money into and out of the institution's paid account, from the double-entry postings in log "
    "order: prepaid (H3), paid (H7, S2, N3), clawed back (L12). Amounts in yuan.":
        "按日志顺序，根据复式记账分录累计计算流入、流出该机构拨付账户的资金：预拨（H3）、拨付（H7、S2、N3）、"
        "追回（L12）。金额单位：元。",
    "prepaid (¥)": "预拨（元）",
    "paid (¥)": "拨付（元）",
    "clawed back (¥)": "追回（元）",
    "(balances now)": "（当前余额）",
    "audit trail": "审计记录",
    "No money has moved for this institution yet.": "该机构尚无资金往来。",
    "Vouchers by status": "培训券状态分布",
    "Vouchers": "培训券",
    "Pass rate": "考核合格率",
    "This institution": "本机构",
    "{rate}% ({passed} of {assessed})": "{rate}%（{assessed} 人中 {passed} 人合格）",
    "no assessment yet": "尚无考核",
    "Rest of {region}": "{region}其他机构",
    "Fraud flags": "疑点预警",
    "Kind": "类型",
    "Detail": "详情",
    "Raised by events": "触发事件",
    "No flag names this institution.": "暂无涉及该机构的疑点。",
    "Latest vouchers": "最近的培训券",
    "All of them:": "全部：",
    "Approved": "核定补贴",
    "Prepaid": "预拨",
    "Updated": "更新日期",
    # search
    "voucher id, institution id or name, certificate number, national ID or its 64-hex hash":
        "培训券编号、培训机构编号或名称、证书编号、身份证号或其 64 位十六进制哈希",
    "A national ID typed here is hashed on the server with the ledger's matching key (HMAC-SHA-256) and never "
    "shown, logged or put in the address bar; the keyed hash (64 hex digits) may be entered instead.":
        "在此输入的身份证号会在服务器上用账本的匹配密钥（HMAC-SHA-256）计算哈希，不会显示、不记入日志，"
        "也不会出现在地址栏中；也可以直接输入该密钥哈希（64 位十六进制）。",
    "Searched as:": "检索方式：",
    "text": "文本",
    "voucher id": "培训券编号",
    "institution id": "培训机构编号",
    "institution name": "培训机构名称",
    "certificate number": "证书编号",
    "national ID (hashed, not shown)": "身份证号（已哈希，不显示）",
    "national ID hash": "身份证号哈希",
    "Institutions": "培训机构",
    "No voucher you may see matches.": "没有您有权查看的匹配培训券。",
    # the inspection draw
    "Verifiable inspection draw (L11 双随机、一公开)": "可验证的随机抽查（L11 双随机、一公开）",
    "The targets are picked from a signed checkpoint's root hash, which nobody could choose in advance, so anyone "
    "holding the checkpoint and the log recomputes the same draw.":
        "抽查对象由已签名检查点的根哈希选出，任何人都无法事先左右；持有该检查点和日志的任何人都能复算出同样的结果。",
    "Checkpoint (tree size)": "检查点（树大小）",
    "Draw": "抽取",
    "institutions": "培训机构",
    "vouchers": "培训券",
    "all": "全部",
    "How many": "抽取数量",
    "No checkpoint yet: the draw is seeded by a signed checkpoint; run <code>vledger checkpoint</code>.":
        "尚无检查点：抽查以已签名的检查点为随机种子，请先运行 <code>vledger checkpoint</code>。",
    "There is no checkpoint of tree size {size}.": "没有树大小为 {size} 的检查点。",
    'Checkpoint {size} at {time} (signature checked before drawing), root <code class="wrap">{root}</code>; '
    "{population} {kind} in the population.":
        '检查点 {size}，时间 {time}（抽取前已核验签名），根哈希 <code class="wrap">{root}</code>；'
        "抽查总体共有{kind} {population} 个。",
    "Drawn": "抽中结果",
    "nothing to draw from": "没有可抽取的对象",
    "{count} drawn {kind} you may not read are not named here; an inspector, or their region's bureau, sees them.":
        "另有 {count} 个抽中的{kind}您无权查看，此处不列出；监管方或其所在地区的人社局可以看到。",
    "Recompute it yourself": "自行复算",
    "With the command line: <code>vledger checkpoint --latest --json &gt; checkpoint.json</code> (or the checkpoint "
    "you saved at tree size {size}), then":
        "使用命令行：<code>vledger checkpoint --latest --json &gt; checkpoint.json</code>"
        "（或使用您在树大小为 {size} 时保存的检查点），然后运行",
    # the pages' scripts (static/*.js): the voucher page's proof check
    "✓ in tree": "✓ 在树中",
    "after checkpoint": "在检查点之后",
    "✗ proof fails": "✗ 证明不成立",
    "✓ verifies": "✓ 核验通过",
    "✗ does NOT verify": "✗ 核验不通过",
    "Checkpoint {size} ({time}): ledger key {key} signature {verdict}": "检查点 {size}（{time}）：账本密钥 {key} 的签名{verdict}",
    "; witnesses: {witnesses}": "；见证方：{witnesses}",
    "; no witness cosignatures yet": "；尚无见证方联署",
    ". Compare the key id with the one you hold.": "。请与您持有的密钥编号核对。",
    "This browser cannot check Ed25519 signatures: the checkpoint's signature is checked by vledger verify.":
        "本浏览器无法核验 Ed25519 签名：检查点的签名由 vledger verify 核验。",
    "This browser gives no Web Crypto here (open the page over 127.0.0.1, localhost or HTTPS): run vledger verify.":
        "本浏览器在此无法使用 Web Crypto（请通过 127.0.0.1、localhost 或 HTTPS 打开本页）：请运行 vledger verify。",
    "No checkpoint yet: nothing to check these events against.": "尚无检查点：无从核验这些事件。",
    "The checkpoint's signature does not verify: do not trust this page; run vledger verify.":
        "检查点的签名核验不通过：请勿信任本页，请运行 vledger verify。",
    "{bad} of {total} events do NOT verify against checkpoint {size}: do not trust this page; run vledger verify.":
        "{total} 个事件中有 {bad} 个未能通过检查点 {size} 的核验：请勿信任本页，请运行 vledger verify。",
    "{ok} of {total} events verified in checkpoint {size}; {after} recorded after it (wait for the next checkpoint).":
        "{total} 个事件中 {ok} 个已在检查点 {size} 中核验；{after} 个在其之后记录（请等待下一个检查点）。",
    "Verified in this browser: all {ok} events are in the ledger's Merkle tree at signed checkpoint {size}.":
        "已在本浏览器中核验：全部 {ok} 个事件都在已签名检查点 {size} 的账本默克尔树中。",
    "No event to check.": "没有需要核验的事件。",
    "Verification could not run: {error}": "核验无法进行：{error}",
    "the public keys could not be fetched ({status})": "无法获取公钥（{status}）",
    "the latest checkpoint could not be fetched ({status})": "无法获取最新检查点（{status}）",
    "the proofs could not be fetched ({status})": "无法获取证明（{status}）",
    # the login page's script
    "This browser gives no Web Crypto here: open the pages at http://127.0.0.1 or localhost, or over HTTPS.":
        "本浏览器在此无法使用 Web Crypto：请通过 http://127.0.0.1、localhost 或 HTTPS 打开页面。",
    "the key file has no {name}": "密钥文件缺少 {name}",
    "That is not a vledger key file: {error}": "这不是 vledger 密钥文件：{error}",
    "Signing the challenge…": "正在对挑战码签名…",
    "Refused: {detail}": "已拒绝：{detail}",
    "Logged in.": "已登录。",
    "Logged in, but this browser could not keep the key for signing: {error}":
        "已登录，但本浏览器无法保存用于签名的密钥：{error}",
    "Could not sign with this key: {error}": "无法用此密钥签名：{error}",
    # logging in
    "Log in with your key file": "用密钥文件登录",
    "Choose or paste your party's key file (the JSON that <code>vledger keys</code> or <code>vledger demo</code> "
    "wrote, e.g. <code>vledger-keys/demo/inspector.json</code>). It stays in this browser: the page signs a one-time "
    "challenge from the server with it (Web Crypto Ed25519), and the server checks the signature against your "
    "registered public key. The session lasts 30 minutes.":
        "请选择或粘贴本单位的密钥文件（由 <code>vledger keys</code> 或 <code>vledger demo</code> 生成的 JSON 文件，"
        "例如 <code>vledger-keys/demo/inspector.json</code>）。密钥文件只留在本浏览器中：页面用它对服务器发来的"
        "一次性挑战码签名（Web Crypto Ed25519），服务器再用您已登记的公钥核验签名。登录有效期 30 分钟。",
    "The page then keeps the key in this browser as a key it cannot read back (Web Crypto, non-extractable, in IndexedDB) to sign the commands you make on your Work page; logging out deletes it.":
        "随后页面把密钥以不可导出的形式保存在本浏览器中（Web Crypto，不可导出，存于 IndexedDB），"
        "用于对您在工作台上提交的操作签名；退出登录即删除。",
    "a login is sent as application/json by the login page": "登录须由登录页面以 application/json 格式提交",
    "a login is accepted only from this server's own login page ({own}), not from {origin}":
        "只接受来自本服务器登录页面（{own}）的登录，不接受来自 {origin} 的登录",
    "a login is at most {count} bytes": "登录请求最多 {count} 字节",
    "send {fields} as JSON": "请以 JSON 格式提交 {fields}",
    "Key file": "密钥文件",
    "or paste it": "或粘贴文件内容",
}
for _more in (WORK_CHINESE, STEP_CHINESE):
    assert not set(CHINESE) & set(_more), f"one place only for the Chinese of {sorted(set(CHINESE) & set(_more))}"
    CHINESE.update(_more)

SCRIPT_TEXTS = sorted({text for path in (Path(__file__).parent / "static").glob("*.js")
                       for text in SCRIPT_TEXT.findall(path.read_text(encoding="utf-8"))})
