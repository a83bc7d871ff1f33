# SPDX-License-Identifier: GPL-3.0-or-later
#
# TEST-ONLY SHIM of the `whatif` helper module. It is used by
# tests/test-templates.c only when the real bubblewrap sandbox is not usable
# on the machine running the tests; the product always uses the real runner in
# src/core/sandbox/runner/whatif/. It records the calls and prints them as JSON
# when the program ends.
import json
import math

_params = []
_metrics = []
_tables = []
_charts = []
_overrides = {}


def _num(value):
    value = float(value)
    return value if math.isfinite(value) else None


def param(label, default, kind="number", min=None, max=None, step=None):
    value = _overrides.get(label, default)
    _params.append({"label": label, "value": _num(value), "kind": kind,
                    "min": min, "max": max, "step": step})
    return value


def metric(name, value, unit=None):
    _metrics.append({"name": str(name), "value": _num(value), "unit": unit})


def table(name, data, columns=None):
    rows = len(data) if hasattr(data, "__len__") else 0
    _tables.append({"name": str(name), "rows": rows})


def chart(kind, title, x, series):
    if isinstance(series, dict):
        series = [{"name": k, "values": v} for k, v in series.items()]
    for s in series:
        if len(s["values"]) != len(x):
            raise ValueError("chart series length differs from x")
    _charts.append({"kind": kind, "title": title, "n": len(x)})


def _report():
    return json.dumps({"params": _params, "metrics": _metrics,
                       "tables": _tables, "charts": _charts})
