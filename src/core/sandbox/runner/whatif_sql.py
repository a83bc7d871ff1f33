# SPDX-License-Identifier: GPL-3.0-or-later
"""SQL mode: one read-only query against the user's workbook, inside the sandbox.

The host already checked the query with its SQL firewall (wf-sql-firewall.c);
this module is the second, independent line and must hold on its own:

  * the workbook is opened read-only AND immutable (mode=ro&immutable=1) from
    a read-only bind mount, so SQLite takes no locks and writes no journal;
  * an authoriser allows reading only: SELECT, READ of the user's tables (and
    of sqlite_schema), recursive CTEs, and calls of a whitelist of pure
    functions. Everything else - every write, ATTACH/DETACH, PRAGMA,
    transactions, load_extension(), random(), sqlite_* internals - is denied;
  * SQLITE_LIMIT_ATTACHED is 0, extension loading stays disabled;
  * a progress handler stops the query at the time limit (min of the job's
    wall and CPU limits, less a margin so the message is ours and not a kill);
  * at most the job's table_rows rows are fetched; the table says truncated.

One statement per run (the firewall demands the same): several SELECTs are
several runs. The result set becomes the table "result"; a result of exactly
one row and one numeric column is also reported as a metric named after the
column, so "SELECT sum(amount) AS total FROM sales" reads as a number.
"""
import math
import os
import time
import urllib.parse

import sqlite3

import whatif

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_BLOCKED = 77
EXIT_REFUSED = 78
EXIT_CPU = 99

MAX_SQL_BYTES = 200 * 1024
PROGRESS_STEPS = 20000
MAX_CELL_CHARS = 100000

# Pure, deterministic functions a summary query needs. Anything not listed is
# denied, including functions SQLite may gain later.
ALLOWED_FUNCTIONS = frozenset("""
abs avg count max min sum total group_concat string_agg
round ceil ceiling floor trunc sign mod pow power sqrt exp ln log log2 log10 pi
acos acosh asin asinh atan atan2 atanh cos cosh sin sinh tan tanh degrees radians
lower upper length substr substring trim ltrim rtrim replace instr printf format
char unicode hex quote like glob coalesce ifnull nullif iif typeof likely unlikely likelihood
date time datetime julianday strftime unixepoch
row_number rank dense_rank percent_rank cume_dist ntile lag lead first_value last_value nth_value
json json_extract json_array json_object json_array_length json_type json_valid json_quote
json_group_array json_group_object -> ->>
""".split())

# Internal tables SQLite reads on its own while preparing; sqlite_schema is
# the user's table list (the firewall allows it too).
SCHEMA_TABLES = frozenset(("sqlite_master", "sqlite_schema", "sqlite_temp_master",
                           "sqlite_temp_schema"))


# Authoriser actions that would change the workbook (creates, drops, DML,
# ALTER, REINDEX, ANALYZE, virtual tables).
_WRITES = frozenset(list(range(1, 19)) + [23, 26, 27, 28, 29, 30])


class _Denied:
    """What the authoriser refused first, for a message a person understands."""

    def __init__(self):
        self.reason = None

    def deny(self, reason):
        if self.reason is None:
            self.reason = reason
        return sqlite3.SQLITE_DENY


def _authorizer(denied):
    def authorize(action, arg1, arg2, db_name, trigger):
        if action == sqlite3.SQLITE_SELECT:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_RECURSIVE:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_READ:
            table = (arg1 or "").lower()
            if db_name not in (None, "main", "temp"):
                return denied.deny("reading from an attached database")
            if table.startswith("sqlite_") and table not in SCHEMA_TABLES:
                return denied.deny("reading SQLite's internal table %s" % arg1)
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_FUNCTION:
            name = (arg2 or "").lower()
            if name in ALLOWED_FUNCTIONS:
                return sqlite3.SQLITE_OK
            return denied.deny("the function %s()" % arg2)
        if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH):
            return denied.deny("ATTACH/DETACH")
        if action == sqlite3.SQLITE_PRAGMA:
            return denied.deny("PRAGMA %s" % arg1)
        if action == sqlite3.SQLITE_TRANSACTION or action == sqlite3.SQLITE_SAVEPOINT:
            return denied.deny("transaction control")
        if action in _WRITES:
            return denied.deny("changing the workbook")
        return denied.deny("an operation other than reading (SQLite action %d)" % action)
    return authorize


def _plain_cell(value):
    if value is None or isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, bytes):
        return "<%d bytes>" % len(value)
    text = str(value)
    return text if len(text) <= MAX_CELL_CHARS else text[:MAX_CELL_CHARS] + "…"


def _strip(sql):
    return sql.strip().rstrip(";").strip()


def run(job, send, proto):
    """Runs the job's SQL; returns the runner's exit code."""
    limits = job.get("limits") or {}
    table_rows = max(1, int(limits.get("table_rows", 100000)))
    wall_ms = int(limits.get("wall_ms", 30000))
    cpu_ms = int(limits.get("cpu_ms", 20000))
    budget_s = max(0.2, min(wall_ms, cpu_ms) / 1000.0 * 0.85)
    source = job.get("code") or ""

    def error(message, code=EXIT_ERROR, **extra):
        msg = {"type": "log", "level": "error", "message": message[:2000]}
        msg.update(extra)
        send(proto, msg)
        return code

    if len(source.encode("utf-8", "surrogatepass")) > MAX_SQL_BYTES:
        return error("The query is longer than %d KB" % (MAX_SQL_BYTES // 1024))
    sql = _strip(source)
    if not sql:
        return error("The SQL query is empty")
    if not sqlite3.complete_statement(sql + ";"):
        return error("The SQL query is incomplete (an unclosed quote, bracket or comment?)")

    workbook = job.get("workbook")
    if not workbook:
        return error("There is no workbook to query: no data has been imported yet. "
                     "Import a CSV file first (whatif-cli import FILE.csv --as NAME).")
    if not os.path.isfile(workbook):
        return error("The workbook with the imported data is not available in the sandbox.")
    uri = "file:%s?mode=ro&immutable=1" % urllib.parse.quote(workbook)
    try:
        con = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=True)
    except sqlite3.Error as e:
        return error("The workbook could not be opened: %s" % e)
    denied = _Denied()
    deadline = [0.0]
    timed_out = [False]

    def on_progress():
        if time.monotonic() > deadline[0]:
            timed_out[0] = True
            return 1
        return 0

    try:
        # Imported cells came from untrusted files: bytes that are not UTF-8
        # become U+FFFD rather than failing the whole query.
        con.text_factory = lambda b: b.decode("utf-8", "replace")
        con.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
        con.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 64 * 1024 * 1024)
        if hasattr(con, "enable_load_extension"):
            con.enable_load_extension(False)
        con.set_authorizer(_authorizer(denied))
        con.set_progress_handler(on_progress, PROGRESS_STEPS)
        deadline[0] = time.monotonic() + budget_s
        try:
            cur = con.execute(sql)
            columns = [d[0] for d in (cur.description or [])]
            rows = cur.fetchmany(table_rows + 1) if columns else []
        except (sqlite3.ProgrammingError, sqlite3.Warning) as e:
            if "one statement" in str(e):
                return error("Only one SQL statement can run at a time; run each SELECT on its own.")
            return error("SQL error: %s" % e)
        except sqlite3.DatabaseError as e:
            if timed_out[0]:
                return error("The query ran longer than its %.1f s time limit and was stopped."
                             % budget_s, EXIT_CPU, limit="cpu")
            if denied.reason is not None:
                send(proto, {"type": "log", "level": "blocked",
                             "message": "Only reading queries may run on the workbook; "
                                        "this one asked for %s." % denied.reason})
                return EXIT_BLOCKED
            return error("SQL error: %s" % e)
        finally:
            con.set_progress_handler(None, 0)
    finally:
        con.close()

    if not columns:
        return error("The statement returned no result set; only SELECT queries can run.")
    body = [[_plain_cell(v) for v in r] for r in rows]
    whatif.table("result", body, columns=columns)
    if len(body) == 1 and len(columns) == 1:
        value = body[0][0]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            whatif.metric(columns[0] or "value", value)
    return EXIT_OK
