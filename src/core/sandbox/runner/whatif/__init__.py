# SPDX-License-Identifier: GPL-3.0-or-later
"""The helpers model code imports as `import whatif as wf`.

Everything reported here goes to the runner's protocol descriptor as one JSON
line per message, never to stdout, so printing cannot forge a result.
"""
import datetime as _dt
import decimal as _decimal
import json as _json
import math as _math
import os as _os

__all__ = ["table", "metric", "chart", "param", "load", "log", "progress"]

_state = {
    "fd": None,          # protocol descriptor
    "overrides": {},     # wf.param label -> value
    "table_rows": 100000,
    "datasets": [],
    "workbook": None,
    "params": {},
    "sink": None,        # a sweep point's metrics: name -> value, nothing emitted
}

PARAM_KINDS = ("money", "percent", "number", "count", "months", "years")
CHART_KINDS = ("line", "bar", "area")
MAX_NAME = 200


def _configure(fd, overrides, table_rows, datasets, workbook):
    _state["fd"] = fd
    _state["overrides"] = dict(overrides or {})
    _state["table_rows"] = int(table_rows)
    _state["datasets"] = list(datasets or [])
    _state["workbook"] = workbook
    _state["params"] = {}
    _state["sink"] = None


def _configure_sink(overrides, sink):
    """A sweep point: these overrides, metrics into SINK (a dict), and no
    tables, charts, params or logs. sink None ends the sweep."""
    _state["overrides"] = dict(overrides or {})
    _state["params"] = {}
    _state["sink"] = sink


def _plain(value):
    """One JSON-safe scalar: non-finite floats become None."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if _math.isfinite(value) else None
    if isinstance(value, _decimal.Decimal):
        return float(value) if value.is_finite() else None
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, _dt.timedelta):
        return value.total_seconds()
    item = getattr(value, "item", None)          # numpy scalars
    if item is not None and callable(item):
        try:
            return _plain(item())
        except (TypeError, ValueError):
            pass
    iso = getattr(value, "isoformat", None)      # pandas Timestamp
    if iso is not None and callable(iso):
        try:
            return iso()
        except (TypeError, ValueError):
            pass
    if value != value:                           # pandas NaT / NA
        return None
    return str(value)


def _deep(value):
    if isinstance(value, dict):
        return {str(k): _deep(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_deep(v) for v in value]
    return _plain(value)


def _emit(message):
    sink = _state["sink"]
    if sink is not None:
        if message.get("type") == "metric":
            sink[message["name"]] = message["value"]
        return
    fd = _state["fd"]
    if fd is None:
        return
    try:
        data = _json.dumps(message, ensure_ascii=False, allow_nan=False,
                           separators=(",", ":"), default=_plain)
    except (ValueError, TypeError):
        data = _json.dumps(_deep(message), ensure_ascii=False, allow_nan=False,
                           separators=(",", ":"))
    buf = (data + "\n").encode("utf-8", "surrogatepass")
    view = memoryview(buf)
    while view:
        n = _os.write(fd, view)
        view = view[n:]


def _name(name, what):
    if not isinstance(name, str) or not name.strip():
        raise ValueError("%s needs a non-empty name" % what)
    return name[:MAX_NAME]


def _number(value, what):
    v = _plain(value)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise TypeError("%s must be a number, not %s" % (what, type(value).__name__))
    return float(v)


def _frame_rows(df, limit):
    import numpy as np
    columns = [str(c) for c in df.columns]
    n = min(len(df), limit)
    head = df.iloc[:n]
    cols = []
    for c in range(head.shape[1]):
        s = head.iloc[:, c]
        kind = s.dtype.kind
        if kind == "f":
            a = s.to_numpy()
            vals = np.where(np.isfinite(a), a, np.nan).tolist()
            vals = [None if v != v else v for v in vals]
        elif kind in "iub":
            vals = s.tolist()
            if s.hasnans:                         # nullable Int64 (wf.load): pd.NA
                vals = [None if m else v for v, m in zip(vals, s.isna().tolist())]
        elif kind == "M":
            vals = [None if v != v else v.isoformat() for v in s]
        else:
            vals = [_plain(v) for v in s.tolist()]
        cols.append(vals)
    rows = [list(r) for r in zip(*cols)] if cols else [[] for _ in range(n)]
    return columns, rows, len(df) > limit


def table(name, data, columns=None):
    """Report a table: a DataFrame, a list of dicts, or a list of rows."""
    name = _name(name, "A table")
    if _state["sink"] is not None:
        return                    # a sweep point keeps its metrics only
    limit = _state["table_rows"]
    truncated = False
    if hasattr(data, "iloc") and hasattr(data, "columns"):
        if columns is not None:
            data = data[list(columns)]
        columns, rows, truncated = _frame_rows(data, limit)
    elif hasattr(data, "to_frame"):                   # a Series
        cols, rows, truncated = _frame_rows(data.to_frame(), limit)
        columns = cols
    else:
        data = list(data)
        truncated = len(data) > limit
        data = data[:limit]
        if data and isinstance(data[0], dict):
            if columns is None:
                columns = []
                for d in data:
                    for k in d:
                        if k not in columns:
                            columns.append(k)
            rows = [[_plain(d.get(c)) for c in columns] for d in data]
        else:
            rows = [[_plain(v) for v in r] for r in data]
            width = max((len(r) for r in rows), default=0)
            if columns is None:
                columns = ["column %d" % (i + 1) for i in range(width)]
            columns = [str(c) for c in columns]
            rows = [(r + [None] * len(columns))[:len(columns)] for r in rows]
        columns = [str(c) for c in columns]
    _emit({"type": "table", "name": name, "columns": columns, "rows": rows,
           "truncated": truncated})


def metric(name, value, unit=None):
    name = _name(name, "A metric")
    _emit({"type": "metric", "name": name, "value": _number(value, "A metric value"),
           "unit": None if unit is None else str(unit)[:40]})
    return value


def chart(kind, title, x, series):
    """A chart: kind line|bar|area, x labels, series {name: values} or [(name, values)]."""
    if kind not in CHART_KINDS:
        raise ValueError("chart kind must be one of %s" % ", ".join(CHART_KINDS))
    if _state["sink"] is not None:
        return
    x = [_plain(v) for v in list(x)]
    x = [v if isinstance(v, str) or v is None else v for v in x]
    if hasattr(series, "items"):
        items = list(series.items())
    else:
        items = [(s[0], s[1]) for s in series]
    out = []
    for sname, values in items:
        vals = [_number(v, "A chart value") for v in list(values)]
        out.append({"name": str(sname), "values": vals})
    _emit({"type": "chart", "kind": kind, "title": str(title), "x": x, "series": out})


def param(label, default, kind="number", min=None, max=None, step=None):
    """Declare an assumption; returns the job's override for it, else the default."""
    label = _name(label, "A parameter")
    if kind not in PARAM_KINDS:
        raise ValueError("param kind must be one of %s" % ", ".join(PARAM_KINDS))
    value = _state["overrides"].get(label, default)
    num = _number(value, "A parameter value")
    if kind in ("count", "months", "years") and num is not None and float(num).is_integer():
        value = int(num)
    elif isinstance(default, int) and not isinstance(default, bool) and num is not None \
            and float(num).is_integer():
        value = int(num)
    else:
        value = num
    msg = {"type": "param", "label": label, "value": num, "kind": kind,
           "min": _number(min, "min"), "max": _number(max, "max"),
           "step": _number(step, "step")}
    if label not in _state["params"]:
        _state["params"][label] = msg
        _emit(msg)
    return value


def log(message):
    _emit({"type": "log", "level": "info", "message": str(message)[:4000]})


def progress(fraction, message=""):
    _emit({"type": "progress", "fraction": _number(fraction, "progress"),
           "message": str(message)[:400]})


_INT_TYPES = ("integer", "int", "count")
_FLOAT_TYPES = ("decimal", "currency", "money", "percentage", "percent", "number", "float", "real")
_DATE_TYPES = ("date", "datetime", "timestamp")
_BOOL_TYPES = ("boolean", "bool")


def _apply_types(df, columns):
    """Gives each column the dtype its import inferred (SQLite stores dates
    as text and integers with NULLs as whatever came)."""
    import pandas as pd
    for col in columns or []:
        if not isinstance(col, dict):
            continue
        cname = col.get("name")
        ctype = str(col.get("type") or "").lower()
        if cname not in df.columns:
            continue
        s = df[cname]
        try:
            if ctype in _INT_TYPES:
                s = pd.to_numeric(s, errors="coerce")
                df[cname] = s.astype("Int64")   # nullable: one dtype whether or not a cell is empty
            elif ctype in _FLOAT_TYPES:
                df[cname] = pd.to_numeric(s, errors="coerce").astype("float64")
            elif ctype in _DATE_TYPES:
                df[cname] = pd.to_datetime(s, errors="coerce")
            elif ctype in _BOOL_TYPES:
                df[cname] = s.map(lambda v: None if v is None else bool(v)).astype("boolean")
        except (TypeError, ValueError, OverflowError):
            pass          # keep the stored values rather than fail the model
    return df


def load(name):
    """An imported dataset as a DataFrame, each column with its inferred type."""
    import pandas as pd
    import sqlite3
    import urllib.parse
    for d in _state["datasets"]:
        if d.get("name") == name:
            break
    else:
        known = ", ".join(sorted(str(d.get("name")) for d in _state["datasets"])) or "none"
        raise KeyError("No dataset named %r was imported (datasets: %s)" % (name, known))
    wb = _state["workbook"]
    if not wb or not _os.path.exists(wb):
        raise FileNotFoundError("The workbook with imported datasets is not available")
    # Read-only and immutable: the workbook is a read-only mount, no locks.
    con = sqlite3.connect("file:%s?mode=ro&immutable=1" % urllib.parse.quote(wb), uri=True)
    try:
        table_name = str(d.get("table_name") or d.get("table") or name).replace('"', '""')
        df = pd.read_sql_query('SELECT * FROM "%s"' % table_name, con)
    finally:
        con.close()
    return _apply_types(df, d.get("columns"))
