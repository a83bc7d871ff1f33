# SPDX-License-Identifier: GPL-3.0-or-later
#
# fake-runner.py: a tiny stand-in for whatif_runner.py, used by
# test-sandbox-flatpak while the real runner is written. It speaks the same
# protocol the Flatpak backend expects: one job JSON line on stdin, result
# lines on the descriptor given by --protocol-fd, a final "done". Like the
# real runner it lowers its own resource limits first, because the Flatpak
# portal sets none.
import json
import math
import os
import resource
import sys
import time
import traceback
import types


def main():
    fd = int(sys.argv[sys.argv.index("--protocol-fd") + 1])
    proto = os.fdopen(fd, "w", encoding="utf-8")
    job = json.loads(sys.stdin.readline())
    limits = job["limits"]
    start = time.monotonic()

    cpu = max(1, limits["cpu_ms"] // 1000)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_AS, (limits["memory_bytes"], limits["memory_bytes"]))
    resource.setrlimit(resource.RLIMIT_NOFILE, (limits["open_files"], limits["open_files"]))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits["file_size_bytes"], limits["file_size_bytes"]))

    def emit(obj):
        proto.write(json.dumps(obj, allow_nan=False) + "\n")
        proto.flush()

    def clean(v):
        if isinstance(v, float) and not math.isfinite(v):
            return None
        return v

    overrides = job.get("overrides") or {}
    wf = types.ModuleType("whatif")
    wf.metric = lambda name, value, unit=None: emit(
        {"type": "metric", "name": name, "value": clean(value), "unit": unit})
    wf.table = lambda name, rows, columns: emit(
        {"type": "table", "name": name, "columns": list(columns), "rows": [list(r) for r in rows]})
    wf.log = lambda message: emit({"type": "log", "level": "info", "message": str(message)})

    def param(label, default, kind="number", min=None, max=None, step=None):
        value = overrides.get(label, default)
        emit({"type": "param", "label": label, "kind": kind, "value": value,
              "min": min, "max": max, "step": step})
        return value

    wf.param = param
    sys.modules["whatif"] = wf

    status, message, code = "ok", None, 0
    try:
        exec(compile(job["code"], "<job>", "exec"), {"__name__": "__main__", "JOB": job})
    except BaseException as e:  # noqa: B902 - report everything, SystemExit included
        traceback.print_exc()
        status, message, code = "error", "%s: %s" % (type(e).__name__, e), 1
    sys.stdout.flush()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    emit({"type": "done", "status": status, "exit_code": code, "error": message,
          "wall_ms": int((time.monotonic() - start) * 1000),
          "cpu_ms": int((usage.ru_utime + usage.ru_stime) * 1000),
          "peak_rss_kb": usage.ru_maxrss, "limits_hit": [],
          "truncated": {"stdout": False, "stderr": False, "tables": False}})
    return code


if __name__ == "__main__":
    sys.exit(main())
