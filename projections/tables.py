"""The views as tables for a spreadsheet (`vledger export-table`): for each
table, its columns (a Chinese and an English header, and a kind that says how
a cell is written: money in fen, a UTC time, a list) and its rows, read with
the same queries as `vledger audit/balances/flags/report`. A row that comes
from an event carries that event's sequence and hash (from the audit view),
so it can be checked against an inclusion proof. Callers bring the views up
to date first (`catch_up`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Iterable

from sqlalchemy import Connection, func, select

from ledger.errors import BadInput
from projections.audit import AUDIT
from projections.balances import POSTINGS
from projections.queries import all_flags, audit_trail, balances, require_institution, rows_of
from projections.report import fortnight_report
from projections.vouchers import VOUCHERS

HASH_CHUNK = 500
MAX_VOUCHER_ROWS = 1_000_000


@dataclass(frozen=True)
class Column:
    key: str
    chinese: str
    english: str
    kind: str = "text"  # text | integer | fen | utc_time | list


@dataclass(frozen=True)
class ExportTable:
    name: str
    chinese: str
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]]


SEQUENCE = Column("sequence", "事件序号", "event sequence", "integer")
EVENT_HASH = Column("event_hash", "事件哈希", "event hash")

AUDIT_COLUMNS = (
    SEQUENCE, EVENT_HASH, Column("recorded_at", "记录时间", "recorded at", "utc_time"),
    Column("event_type", "事件", "event"), Column("command", "指令", "command"),
    Column("command_id", "指令编号", "command id"), Column("actor", "签名方", "actor"),
    Column("role", "角色", "role"), Column("key_id", "密钥编号", "key id"), Column("target", "对象", "target"),
    Column("voucher", "培训券", "voucher"), Column("institution", "培训机构", "institution"),
    Column("outcome", "结果", "outcome"))
BALANCE_COLUMNS = (
    Column("account", "账户", "account"), Column("kind", "类别", "kind"), Column("owner", "所属方", "owner"),
    Column("region", "地区", "region"), Column("balance_fen", "余额（元）", "balance (yuan)", "fen"),
    Column("sequence", "最后记账事件序号", "last posting event sequence", "integer"), EVENT_HASH)
FLAG_COLUMNS = (
    SEQUENCE, EVENT_HASH, Column("raised_at", "发现时间", "raised at", "utc_time"),
    Column("kind", "类型", "kind"), Column("rule", "规则", "rule"), Column("region", "地区", "region"),
    Column("voucher", "培训券", "voucher"), Column("trainee", "学员", "trainee"),
    Column("institution", "培训机构", "institution"), Column("events", "相关事件序号", "events", "list"),
    Column("detail", "说明", "detail"))
REPORT_COLUMNS = (
    Column("first_day", "双周起", "fortnight from"), Column("last_day", "双周止", "fortnight to"),
    Column("region", "地区", "region"), Column("registrations", "登记学员", "registrations", "integer"),
    Column("trainees_in_training", "在训学员", "trainees in training", "integer"),
    Column("certified", "取证", "certified", "integer"), Column("paid_fen", "已拨付（元）", "paid (yuan)", "fen"),
    Column("allowance_fen", "生活费补贴（元）", "allowance (yuan)", "fen"),
    Column("clawed_back_fen", "追回（元）", "clawed back (yuan)", "fen"))
VOUCHER_COLUMNS = (
    Column("id", "培训券", "voucher"), Column("status", "状态", "status"), Column("region", "地区", "region"),
    Column("trainee", "学员", "trainee"), Column("occupation", "职业编码", "occupation"),
    Column("level", "等级", "level"), Column("issued_by", "发放部门", "issued by"),
    Column("issued_at", "发放时间", "issued at", "utc_time"), Column("valid_until", "有效期至", "valid until"),
    Column("institution", "培训机构", "institution"), Column("platform", "线上平台", "platform"),
    Column("total_class_hours", "总课时", "total class hours", "integer"),
    Column("online_minutes", "线上分钟", "online minutes", "integer"),
    Column("offline_minutes", "线下分钟", "offline minutes", "integer"),
    Column("certificate_number", "证书编号", "certificate number"),
    Column("certified_at", "取证时间", "certified at", "utc_time"),
    Column("approved_fen", "核定补贴（元）", "approved (yuan)", "fen"),
    Column("prepaid_fen", "预拨（元）", "prepaid (yuan)", "fen"), Column("paid_fen", "已拨付（元）", "paid (yuan)", "fen"),
    Column("allowance_fen", "生活费补贴（元）", "allowance (yuan)", "fen"),
    Column("clawed_back_fen", "追回（元）", "clawed back (yuan)", "fen"),
    Column("objections", "异议", "objections", "integer"),
    Column("last_sequence", "最后事件序号", "last event sequence", "integer"), EVENT_HASH,
    Column("updated_at", "最后更新时间", "updated at", "utc_time"))


def event_hashes(connection: Connection, sequences: Iterable[int]) -> dict[int, str]:
    """The hash of each event named by sequence, from the audit view."""
    wanted = sorted({sequence for sequence in sequences if sequence is not None})
    found: dict[int, str] = {}
    table = AUDIT.table
    for start in range(0, len(wanted), HASH_CHUNK):
        chunk = wanted[start:start + HASH_CHUNK]
        statement = select(table.c.sequence, table.c.event_hash).where(table.c.sequence.in_(chunk))
        found.update((sequence, event_hash) for sequence, event_hash in connection.execute(statement))
    return found


def _with_hashes(connection: Connection, rows: list[dict[str, Any]], sequence_key: str) -> list[dict[str, Any]]:
    hashes = event_hashes(connection, (row[sequence_key] for row in rows))
    return [{**row, "event_hash": hashes.get(row[sequence_key])} for row in rows]


def audit_table(connection: Connection, *, voucher: str | None = None, actor: str | None = None,
                institution: str | None = None, since: str | None = None, until: str | None = None,
                limit: int = 1000) -> ExportTable:
    rows = audit_trail(connection, voucher=voucher, actor=actor, institution=institution, since=since,
                       until=until, limit=limit)
    return ExportTable("audit", "审计记录", AUDIT_COLUMNS, rows)


def _last_postings(connection: Connection, as_of: int | None) -> dict[str, int]:
    """Each account's last posting event (at or before `as_of`)."""
    postings = POSTINGS.table
    last: dict[str, int] = {}
    for account_column in (postings.c.debit_account, postings.c.credit_account):
        statement = select(account_column, func.max(postings.c.sequence)).group_by(account_column)
        if as_of is not None:
            statement = statement.where(postings.c.sequence <= as_of)
        for account, sequence in connection.execute(statement):
            last[account] = max(last.get(account, 0), int(sequence))
    return last


def balances_table(connection: Connection, *, institution: str | None = None,
                   as_of: int | None = None) -> ExportTable:
    if institution is not None:
        require_institution(connection, institution)
    accounts = balances(connection, institution=institution, as_of=as_of)["accounts"]
    last = _last_postings(connection, as_of)
    rows = _with_hashes(connection, [{**row, "sequence": last[row["account"]]} for row in accounts], "sequence")
    return ExportTable("balances", "账户余额", BALANCE_COLUMNS, rows)


def flags_table(connection: Connection) -> ExportTable:
    return ExportTable("flags", "风险提示", FLAG_COLUMNS, _with_hashes(connection, all_flags(connection), "sequence"))


def report_table(connection: Connection, *, fortnight: date) -> ExportTable:
    result = fortnight_report(connection, fortnight)
    window = result["fortnight"]
    rows = [{**window, **row} for row in result["regions"]]
    return ExportTable("report", "双周调度表", REPORT_COLUMNS, rows)


def vouchers_table(connection: Connection, *, institution: str | None = None, region: str | None = None,
                   status: str | None = None) -> ExportTable:
    table = VOUCHERS.table
    statement = select(table).order_by(table.c.issued_at, table.c.id).limit(MAX_VOUCHER_ROWS)
    for column, value in ((table.c.institution, institution), (table.c.region, region), (table.c.status, status)):
        if value is not None:
            statement = statement.where(column == value)
    rows = _with_hashes(connection, rows_of(connection, statement), "last_sequence")
    return ExportTable("vouchers", "培训券", VOUCHER_COLUMNS, rows)


EXPORT_TABLES: dict[str, tuple[Callable[..., ExportTable], tuple[str, ...]]] = {
    "audit": (audit_table, ("voucher", "actor", "institution", "since", "until", "limit")),
    "balances": (balances_table, ("institution", "as_of")),
    "flags": (flags_table, ()),
    "report": (report_table, ("fortnight",)),
    "vouchers": (vouchers_table, ("institution", "region", "status")),
}


def export_table(connection: Connection, name: str, filters: dict[str, Any]) -> ExportTable:
    """The table `name` with the filters given (None = not given); a filter
    the table does not take is refused, naming the ones it does."""
    if name not in EXPORT_TABLES:
        raise BadInput(f"unknown table {name!r}; tables are: {', '.join(EXPORT_TABLES)}")
    build, accepted = EXPORT_TABLES[name]
    given = {key: value for key, value in filters.items() if value is not None}
    extra = sorted(set(given) - set(accepted))
    if extra:
        takes = ", ".join(f"--{key.replace('_', '-')}" for key in accepted) or "no filters"
        raise BadInput(f"the {name} table does not take --{extra[0].replace('_', '-')}; it takes: {takes}")
    if name == "report" and "fortnight" not in given:
        raise BadInput("the report table needs --fortnight YYYY-MM-DD (any day of the fortnight)")
    return build(connection, **given)
