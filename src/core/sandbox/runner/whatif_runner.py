# SPDX-License-Identifier: GPL-3.0-or-later
"""The What If job runner: a zygote that lives in one long-lived bubblewrap sandbox.

It imports numpy and pandas once, freezes the GC so forked children share those
pages, then waits on a control socket (SOCK_SEQPACKET, fd given on the command line).
Each control message is a small JSON object plus four descriptors passed with
SCM_RIGHTS: the job pipe (one JSON line), stdout, stderr and the protocol pipe.

Per job (see docs in wf-zygote.c):
  zygote ── fork ──► supervisor A: unshare(USER|NS|NET|PID|IPC|UTS), maps its uid,
                     mounts a private tmpfs work dir with byte AND inode caps,
                     ── fork ──► job B (pid 1 of a fresh pid namespace): mounts its own
                     /proc, sets rlimits, loads the strict seccomp filter (no fork, no
                     exec, no namespaces, no mount…), runs the code.
                     A then collects *.csv files (no symlinks, no FIFOs) and exits.
The zygote writes the final `done` message after A has exited, enforces the wall
limit by killing A (B has PDEATHSIG=SIGKILL and is its namespace's init, so
everything the job started dies with it) and never runs user code itself.

One-shot mode (`--protocol-fd N [--seccomp-fd M]`, the Flatpak backend: the
portal's Spawn starts a fresh sub-sandbox per job, where no user namespace can
be made): the job comes as one JSON line on stdin; this process plays A and
the zygote's bookkeeping at once, forks B into a private work dir under /tmp,
and B runs the code exactly as above (same descriptors, environment, rlimits,
seccomp filter, policy) minus what needs namespaces: the portal's sandbox is
the job's own, and the work dir has no tmpfs caps (RLIMIT_FSIZE still holds).
"""
import os
import sys

os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"

import ctypes
import errno
import gc
import json
import resource
import select
import shutil
import signal
import socket
import stat
import tempfile
import time
import traceback

RUNNER_DIR = os.path.dirname(os.path.abspath(__file__))
if RUNNER_DIR not in sys.path:
    sys.path.insert(0, RUNNER_DIR)

JOB_DIR = "/job"
MAX_JOB_BYTES = 16 * 1024 * 1024
MAX_CSV_BYTES = 8 * 1024 * 1024

SPARES = 2

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_BLOCKED = 77
EXIT_REFUSED = 78
EXIT_INTERNAL = 79
EXIT_CPU = 99
EXIT_SIGNAL_BASE = 100

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_PRIVATE = 1 << 18
MS_REC = 16384
MS_REMOUNT = 32
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2

_libc = ctypes.CDLL(None, use_errno=True)


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _check(ret, what):
    if ret != 0:
        e = ctypes.get_errno()
        raise OSError(e, "%s: %s" % (what, os.strerror(e)))


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        try:
            n = os.write(fd, view)
        except InterruptedError:
            continue
        view = view[n:]


def _send(fd, message):
    try:
        _write_all(fd, (json.dumps(message, ensure_ascii=False, allow_nan=False,
                                   separators=(",", ":")) + "\n").encode("utf-8"))
    except OSError:
        pass


def _write_file(path, text):
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


# ---------------------------------------------------------------- job (B) side

def _load_seccomp(bpf):
    if not bpf:
        raise OSError(errno.EINVAL, "no seccomp filter was given to the runner")
    buf = ctypes.create_string_buffer(bpf, len(bpf))
    prog = _SockFprog(len(bpf) // 8, ctypes.addressof(buf))
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    _check(_libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0),
           "seccomp")


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def _drop_capabilities():
    """The job is root of its own user namespace: give that up entirely, so it
    holds no capability over its supervisor (same namespace) either."""
    for cap in range(64):
        if _libc.prctl(24, cap, 0, 0, 0) != 0:        # PR_CAPBSET_DROP
            if ctypes.get_errno() == errno.EINVAL:
                break
    _libc.prctl(47, 4, 0, 0, 0)                       # PR_CAP_AMBIENT_CLEAR_ALL
    hdr = _CapHeader(0x20080522, 0)
    data = (_CapData * 2)()
    _check(_libc.capset(ctypes.byref(hdr), data), "capset")


def _set_limits(limits):
    def lim(name, value):
        try:
            resource.setrlimit(name, (value, value))
        except (ValueError, OSError):
            pass
    cpu_s = max(1, (int(limits.get("cpu_ms", 20000)) + 999) // 1000)
    # Soft = hard: SIGXCPU is ignored by a pid-namespace init, SIGKILL is not.
    lim(resource.RLIMIT_CPU, cpu_s)
    lim(resource.RLIMIT_AS, int(limits.get("memory_bytes", 1 << 30)))
    lim(resource.RLIMIT_NOFILE, int(limits.get("open_files", 256)))
    lim(resource.RLIMIT_FSIZE, int(limits.get("file_size_bytes", 64 << 20)))
    lim(resource.RLIMIT_CORE, 0)
    lim(resource.RLIMIT_MEMLOCK, 0)


def _limit_of(exc):
    if isinstance(exc, MemoryError):
        return "memory"
    if isinstance(exc, OSError):
        if exc.errno == errno.EFBIG:
            return "file_size"
        if exc.errno == errno.ENOSPC:
            return "disk"
        if exc.errno == errno.EMFILE:
            return "open_files"
    return None


def _enter_job(null, out_fd, err_fd, proto_fd):
    """The job process's descriptors and environment, in both modes: stdin
    empty, stdout and stderr captured (line-buffered, never a decode error),
    the protocol on fd 3, nothing else open; the work dir as cwd and HOME."""
    os.dup2(null, 0)
    os.dup2(out_fd, 1)
    os.dup2(err_fd, 2)
    if proto_fd != 3:
        os.dup2(proto_fd, 3)
    os.closerange(4, 1 << 16)
    sys.stdout = open(1, "w", encoding="utf-8", errors="backslashreplace",
                      closefd=False, buffering=1)
    sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace",
                      closefd=False, buffering=1)
    os.chdir(JOB_DIR)
    os.environ.clear()
    os.environ.update({"HOME": JOB_DIR, "TMPDIR": "/tmp", "LANG": "C.UTF-8",
                       "PATH": "/usr/bin", "OPENBLAS_NUM_THREADS": "1",
                       "OMP_NUM_THREADS": "1", "MPLCONFIGDIR": "/tmp"})


def _job_main(prepare, bpf):
    """The job process's body in both modes: PREPARE puts its descriptors,
    work dir and environment in place and returns the job, which then runs.
    Never returns; the exit code tells the supervisor how it ended."""
    code = EXIT_INTERNAL
    try:
        code = _execute(prepare(), bpf, 3)
    except BaseException:
        try:
            _send(3, {"type": "log", "level": "error",
                      "message": "runner: " + traceback.format_exc(limit=3)[-2000:]})
        except BaseException:
            pass
        code = EXIT_INTERNAL
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        pass
    os._exit(code)


def _spare_job(sock_b, bpf, base_w):
    """Process B: pid 1 of the job's own pid namespace, made before the job
    arrives; it waits for the job on SOCK_B. Never returns."""
    def prepare():
        _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        # A fresh proc cannot be mounted here (bwrap's /proc has locked
        # read-only submounts, so the kernel finds a new one "too revealing"):
        # hide the outer one, which would show the zygote and the supervisor.
        _check(_libc.mount(b"tmpfs", b"/proc", b"tmpfs",
                           MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, b"size=4k,nr_inodes=16"),
               "hide /proc")
        null = os.open("/dev/null", os.O_RDONLY)
        # While no job is waiting, touch what a typical model touches: the
        # copy-on-write faults of the fork are paid here, not by the job.
        try:
            Zygote._exercise()
        except Exception:
            pass
        try:
            msg, fds, _, _ = socket.recv_fds(sock_b, 4096, 4)
        except OSError:
            os._exit(EXIT_INTERNAL)
        if not msg or len(fds) != 4:
            os._exit(EXIT_INTERNAL)      # the zygote went away
        sock_b.close()
        # What this process used before its job (set-up and warm-up) is not
        # the job's: tell the supervisor, which subtracts it.
        ru = resource.getrusage(resource.RUSAGE_SELF)
        try:
            os.write(base_w, json.dumps([ru.ru_utime + ru.ru_stime]).encode())
        except OSError:
            pass
        os.close(base_w)
        job = _read_job(fds[0])
        os.close(fds[0])
        limits = job.get("limits") or {}
        _remount_workdir(limits)
        _enter_job(null, fds[1], fds[2], fds[3])
        return job

    _job_main(prepare, bpf)


def _execute(job, bpf, proto):
    import whatif
    limits = job.get("limits") or {}
    whatif._configure(proto, job.get("overrides") or {}, limits.get("table_rows", 100000),
                      job.get("datasets") or [], job.get("workbook"))
    source = job.get("code") or ""
    kind = job.get("kind", "run")
    language = job.get("language", "python")
    policy_on = bool(job.get("policy"))

    _set_limits(limits)
    _drop_capabilities()
    _load_seccomp(bpf)

    if kind == "import":
        import whatif_import
        return whatif_import.run(job, proto, _send)
    if language == "sql" and kind == "run":
        # Python's firewall does not apply: SQL has its own authoriser there.
        try:
            import whatif_sql
        except ImportError:
            _send(proto, {"type": "log", "level": "refused",
                          "message": "SQL mode (whatif_sql) is not installed in this runner"})
            return EXIT_REFUSED
        return whatif_sql.run(job, _send, proto)
    if language != "python":
        _send(proto, {"type": "log", "level": "refused",
                      "message": "unknown job language %r" % (language,)})
        return EXIT_REFUSED

    policy_mod = None
    policy = None
    code_obj = None
    if policy_on or kind == "check":
        try:
            import whatif_policy as policy_mod
        except ImportError:
            _send(proto, {"type": "log", "level": "refused",
                          "message": "The code firewall (whatif_policy) is not installed; "
                                     "the job asked for a policy check and was refused"})
            return EXIT_REFUSED
        with open(os.path.join(RUNNER_DIR, "policy.json"), encoding="utf-8") as f:
            policy = json.load(f)
        verdict, code_obj = policy_mod.check(source, policy)
        # Every checked job reports its verdict: a run job then needs no
        # check job of its own before it (one sandbox job per run).
        _send(proto, dict(verdict, type="verdict"))
        if kind == "check" or verdict.get("verdict") != "allow":
            if kind == "check":
                return EXIT_OK
            rules = verdict.get("rules") or []
            why = rules[0].get("message") if rules else "blocked by the policy"
            _send(proto, {"type": "log", "level": "blocked", "message": str(why)})
            return EXIT_BLOCKED
    if kind not in ("run", "sweep") or (kind == "sweep" and policy_mod is None):
        _send(proto, {"type": "log", "level": "refused",
                      "message": "unknown job kind %r (a sweep needs the policy)" % (kind,)})
        return EXIT_REFUSED

    try:
        if code_obj is None:
            code_obj = compile(source, "<model>", "exec", dont_inherit=True)
    except SyntaxError as e:
        _send(proto, {"type": "log", "level": "error",
                      "message": "SyntaxError: %s (line %s)" % (e.msg, e.lineno)})
        return EXIT_ERROR

    blocked = []
    if policy_mod is not None:
        def on_block(event):
            blocked.append(str(event))
            _send(proto, {"type": "log", "level": "blocked",
                          "message": "blocked at run time: %s" % (event,), "event": str(event)})
        # Only the very code object the policy checked may run, and the
        # model's own imports go through a checked __import__ (modules that
        # pandas already loaded never raise the "import" audit event).
        policy_mod.install_audit_hook(policy, JOB_DIR, on_block, allowed_code=code_obj,
                                       workbook=job.get("workbook"))
        model_builtins = policy_mod.guarded_builtins(policy, on_block)
    else:
        model_builtins = __builtins__

    if kind == "sweep":
        return _sweep(job, code_obj, model_builtins, blocked, proto)

    env = {"__name__": "__main__", "__builtins__": model_builtins}
    status = EXIT_OK
    try:
        exec(code_obj, env)
    except SystemExit as e:
        status = EXIT_OK if e.code in (None, 0) else EXIT_ERROR
    except BaseException as e:
        if blocked:
            return EXIT_BLOCKED
        tb = traceback.format_exception(type(e), e, e.__traceback__)
        # Keep the frames of the model, not the runner's.
        lines = [l for l in tb if "whatif_runner.py" not in l]
        try:
            sys.stderr.write("".join(lines))
        except BaseException:
            pass
        msg = {"type": "log", "level": "error",
               "message": ("%s: %s" % (type(e).__name__, e))[:2000]}
        limit = _limit_of(e)
        if limit:
            msg["limit"] = limit
        _send(proto, msg)
        status = EXIT_ERROR
    if blocked:
        return EXIT_BLOCKED
    if status == EXIT_OK:
        result = env.get("result")
        if hasattr(result, "iloc") and hasattr(result, "columns"):
            try:
                whatif.table("result", result)
            except Exception as e:
                _send(proto, {"type": "log", "level": "error",
                              "message": "result: %s: %s" % (type(e).__name__, e)})
                status = EXIT_ERROR
    return status


MAX_SWEEP_POINTS = 400


def _sweep(job, code_obj, model_builtins, blocked, proto):
    """The checked code once per point, in this one process: each point gets
    fresh globals and a fresh whatif state with its overrides, and reports its
    metrics into a row instead of the protocol. One table "sweep" at the end.
    The points share the process, so they are as isolated from each other as
    one run of the same program is from itself, which is all a sweep needs."""
    import whatif
    spec = job.get("sweep")
    if not isinstance(spec, dict):
        spec = {}
    labels = [str(l) for l in spec.get("labels") or []]
    metrics = [str(m) for m in spec.get("metrics") or []]
    points = spec.get("points") or []
    if not labels or not metrics or len(points) > MAX_SWEEP_POINTS or \
            not isinstance(points, list) or \
            any(not isinstance(p, list) or len(p) != len(labels) or
                any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in p)
                for p in points):
        _send(proto, {"type": "log", "level": "error", "message": "malformed sweep"})
        return EXIT_ERROR
    base = dict(job.get("overrides") or {})
    rows = []
    failed = 0
    first_error = None
    for i, point in enumerate(points):
        overrides = dict(base)
        overrides.update(zip(labels, point))
        found = {}
        whatif._configure_sink(overrides, found)
        env = {"__name__": "__main__", "__builtins__": model_builtins}
        try:
            exec(code_obj, env)
        except SystemExit:
            pass
        except BaseException as e:
            if blocked:
                return EXIT_BLOCKED
            failed += 1
            if first_error is None:
                first_error = ("%s: %s" % (type(e).__name__, e))[:2000]
        if blocked:
            return EXIT_BLOCKED
        rows.append(list(point) + [found.get(m) for m in metrics])
        if (i + 1) % 20 == 0:
            _send(proto, {"type": "progress", "fraction": (i + 1) / len(points),
                          "message": "point %d of %d" % (i + 1, len(points))})
    whatif._configure_sink(None, None)
    if failed:
        _send(proto, {"type": "log", "level": "info",
                      "message": "%d of %d points failed; the first: %s" % (failed, len(points), first_error)})
    whatif.table("sweep", rows, columns=labels + metrics)
    return EXIT_OK


# ---------------------------------------------------------- supervisor (A) side

def _read_job(fd, one_line=False):
    """The job's JSON from FD, never more than MAX_JOB_BYTES of it. With
    ONE_LINE, it ends at the first newline (the sender may keep its end open)."""
    chunks = []
    total = 0
    while True:
        b = os.read(fd, 1 << 16)
        if not b:
            break
        if one_line and b"\n" in b:
            b = b[:b.index(b"\n")]
            one_line = None
        total += len(b)
        if total > MAX_JOB_BYTES:
            raise ValueError("job larger than %d bytes" % MAX_JOB_BYTES)
        chunks.append(b)
        if one_line is None:
            break
    job = json.loads(b"".join(chunks).decode("utf-8"))
    if not isinstance(job, dict):
        raise ValueError("a job must be a JSON object")
    return job


def _tmpfs_opts(limits):
    size = max(1 << 20, int(limits.get("tmpfs_bytes", 64 << 20)))
    inodes = max(64, int(limits.get("tmpfs_inodes", 4096)))
    return ("size=%d,nr_inodes=%d,mode=0700,uid=%d,gid=%d"
            % (size, inodes, os.getuid(), os.getgid())).encode()


def _enter_namespaces():
    uid, gid = os.getuid(), os.getgid()
    _check(_libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID |
                         CLONE_NEWIPC | CLONE_NEWUTS), "unshare")
    _write_file("/proc/self/setgroups", "deny")
    _write_file("/proc/self/uid_map", "%d %d 1\n" % (uid, uid))
    _write_file("/proc/self/gid_map", "%d %d 1\n" % (gid, gid))
    _check(_libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None), "make / private")
    # The work dir's byte AND inode caps (bwrap's --size caps bytes only);
    # the job remounts it with its own limits once they are known.
    _check(_libc.mount(b"tmpfs", JOB_DIR.encode(), b"tmpfs", MS_NOSUID | MS_NODEV,
                       _tmpfs_opts({})), "mount work dir")
    opts = ("size=%d,nr_inodes=256,mode=0700,uid=%d,gid=%d" % (8 << 20, uid, gid)).encode()
    _check(_libc.mount(b"tmpfs", b"/tmp", b"tmpfs", MS_NOSUID | MS_NODEV, opts), "mount /tmp")
    _libc.sethostname(b"sandbox", 7)


def _remount_workdir(limits):
    _check(_libc.mount(None, JOB_DIR.encode(), None, MS_REMOUNT | MS_NOSUID | MS_NODEV,
                       _tmpfs_opts(limits)), "size the work dir")


def _collect_csv(proto, table_rows):
    """Files the job left: only regular *.csv files, never through a link or a FIFO."""
    import csv
    import io
    try:
        entries = sorted(os.scandir(JOB_DIR), key=lambda e: e.name)
    except OSError:
        return
    n = 0
    for entry in entries:
        if not entry.name.endswith(".csv") or n >= 16:
            continue
        try:
            fd = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError:
            continue          # a symlink (ELOOP) or something we may not open
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_CSV_BYTES:
                continue
            data = b""
            while len(data) <= MAX_CSV_BYTES:
                b = os.read(fd, 1 << 16)
                if not b:
                    break
                data += b
        except OSError:
            continue
        finally:
            os.close(fd)
        rows = list(csv.reader(io.StringIO(data[:MAX_CSV_BYTES].decode("utf-8", "replace"))))
        if not rows:
            continue
        columns = rows[0]
        body = [(r + [None] * len(columns))[:len(columns)] for r in rows[1:table_rows + 1]]
        _send(proto, {"type": "table", "name": entry.name[:200], "columns": columns,
                      "rows": body, "truncated": len(rows) - 1 > table_rows})
        n += 1


def _job_exit_code(status, cpu_ms, cpu_limit):
    """What the supervisor makes of the job process's wait status."""
    if os.WIFEXITED(status):
        code = os.WEXITSTATUS(status)
        return EXIT_ERROR if code >= EXIT_SIGNAL_BASE else code
    sig = os.WTERMSIG(status)
    # rusage is sampled and runs a little under the precise time the
    # kernel checks RLIMIT_CPU against; nothing else SIGKILLs the job.
    if sig in (signal.SIGKILL, signal.SIGXCPU) and cpu_ms >= cpu_limit * 0.5:
        return EXIT_CPU
    return EXIT_SIGNAL_BASE + sig


def _outcome(killed, code, sig=0):
    """The job's status, exit code and limits hit, from why it was killed (if
    we killed it), the supervisor's exit code or the signal that ended it."""
    if killed == "wall":
        return "timeout", -signal.SIGKILL, ["wall"]
    if killed == "cancelled":
        return "killed", -signal.SIGKILL, []
    if sig:
        return "killed", -sig, []
    if code == EXIT_OK:
        return "ok", 0, []
    if code == EXIT_ERROR:
        return "error", 1, []
    if code == EXIT_BLOCKED:
        return "blocked", 1, []
    if code == EXIT_REFUSED:
        return "refused", 1, []
    if code == EXIT_CPU:
        return "timeout", -signal.SIGKILL, ["cpu"]
    if code >= EXIT_SIGNAL_BASE:
        return "killed", -(code - EXIT_SIGNAL_BASE), []
    return "error", code, []


def _spare_supervisor(sock_a, sock_b, bpf):
    """Process A, made before its job arrives. Never returns."""
    code = EXIT_INTERNAL
    proto = None
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        # Keep nothing of the zygote's: above all not the protocol pipes of
        # other running jobs, whose end of stream would otherwise wait for us.
        a = sock_a.detach()
        b = sock_b.detach()
        os.dup2(a, 1000)
        os.dup2(b, 1001)
        os.closerange(3, 1000)
        os.closerange(1002, 1 << 16)
        sock_a = socket.socket(fileno=1000)
        sock_b = socket.socket(fileno=1001)
        _enter_namespaces()
        base_r, base_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            sock_a.close()
            os.close(base_r)
            _spare_job(sock_b, bpf, base_w)
        sock_b.close()
        os.close(base_w)
        try:
            msg, fds, _, _ = socket.recv_fds(sock_a, 4096, 1)
        except OSError:
            msg, fds = b"", []
        if not msg or len(fds) != 1:
            os.kill(pid, signal.SIGKILL)
            os._exit(EXIT_INTERNAL)
        proto = fds[0]
        info = json.loads(msg.decode("utf-8"))
        table_rows = int(info.get("table_rows", 100000))
        cpu_limit = int(info.get("cpu_ms", 20000))
        while True:
            try:
                _, status, ru = os.wait4(pid, 0)
                break
            except InterruptedError:
                continue
        try:
            base = float(json.loads(os.read(base_r, 256) or b"[0]")[0])
        except (OSError, ValueError, TypeError, IndexError):
            base = 0.0
        job_cpu = max(0.0, ru.ru_utime + ru.ru_stime - base)
        try:
            sock_a.send(json.dumps({"cpu_ms": int(job_cpu * 1000),
                                    "peak_rss_kb": int(ru.ru_maxrss)}).encode())
        except OSError:
            pass
        code = _job_exit_code(status, job_cpu * 1000, cpu_limit)
        if code in (EXIT_OK, EXIT_ERROR):
            _collect_csv(proto, table_rows)
    except BaseException:
        if proto is not None:
            _send(proto, {"type": "log", "level": "error",
                          "message": "runner: " + traceback.format_exc(limit=3)[-2000:]})
        code = EXIT_INTERNAL
    os._exit(code)


# --------------------------------------------------------------------- zygote

class Zygote:
    def __init__(self, ctrl_fd, bpf):
        self.ctrl = socket.socket(fileno=ctrl_fd)
        self.bpf = bpf
        self.jobs = {}        # pid -> dict(id, fds, start, deadline, killed)
        self.spares = []      # pre-forked supervisors waiting for a job
        self.by_id = {}
        rfd, wfd = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        self.wake_r = rfd
        signal.set_wakeup_fd(wfd)
        signal.signal(signal.SIGCHLD, lambda *a: None)
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)

    def preload(self):
        import numpy                      # noqa: F401
        import pandas                     # noqa: F401
        import numpy_financial            # noqa: F401
        import whatif                     # noqa: F401
        import csv, io, decimal, datetime, math, statistics  # noqa: F401,E401
        try:
            import whatif_policy          # noqa: F401
        except ImportError:
            pass
        try:
            import whatif_sql             # noqa: F401  (and sqlite3 with it)
        except ImportError:
            pass
        self._exercise()
        gc.collect()
        gc.freeze()

    @staticmethod
    def _exercise():
        """Run a typical model once, so the lazy imports and caches of numpy and
        pandas are filled here, once, and not in every forked job."""
        import numpy as np
        import pandas as pd
        import numpy_financial as npf
        import whatif
        per = np.arange(1, 61)
        pay = -npf.pmt(0.075 / 12, 60, 40000)
        interest = -npf.ipmt(0.075 / 12, per, 60, 40000)
        df = pd.DataFrame({"month": per, "interest": interest, "principal": pay - interest,
                           "when": pd.date_range("2024-01-31", periods=60, freq="M"),
                           "label": ["m%d" % i for i in per]})
        df["cum"] = df["principal"].cumsum()
        df = df[df["month"] > 0].groupby("label", sort=False).sum(numeric_only=True).reset_index()
        df.describe()
        df.round(2).to_csv(index=False)
        whatif._frame_rows(df, 100)
        pd.Series([1.5, None]).fillna(0).tolist()
        npf.npv(0.1, [-100, 50, 60])
        npf.irr([-100, 50, 60])
        json.dumps({"a": [1.0, "x", None]}, allow_nan=False)

    def serve(self):
        self._new_spare()
        self.ctrl.send(json.dumps({"op": "ready", "pid": os.getpid()}).encode())
        while True:
            timeout = None
            now = time.monotonic()
            if self.jobs:
                timeout = max(0.0, min(j["deadline"] for j in self.jobs.values()) - now)
            try:
                ready, _, _ = select.select([self.ctrl, self.wake_r], [], [], timeout)
            except InterruptedError:
                ready = []
            if self.wake_r in ready:
                try:
                    while os.read(self.wake_r, 512):
                        pass
                except BlockingIOError:
                    pass
            self._reap()
            self._enforce_deadlines()
            if self.ctrl in ready:
                if not self._control():
                    break
            if not self.spares or (len(self.spares) < SPARES and not self.jobs):
                # The next jobs' processes are made ahead, off their latency;
                # beyond the first, only while no job runs, so that their
                # warm-up never competes with a running job for the CPU.
                self._new_spare()
        for pid in list(self.jobs) + [sp["pid"] for sp in self.spares]:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass

    def _control(self):
        try:
            msg, fds, flags, _ = socket.recv_fds(self.ctrl, 65536, 8)
        except InterruptedError:
            return True
        except OSError:
            return False
        if not msg:
            for fd in fds:
                os.close(fd)
            return False
        try:
            req = json.loads(msg.decode("utf-8"))
        except ValueError:
            req = {}
        op = req.get("op") if isinstance(req, dict) else None
        if op == "job" and len(fds) == 4:
            self._start(req, fds)
        elif op == "cancel":
            job = self.by_id.get(str(req.get("id")))
            if job is not None and not job["killed"]:
                job["killed"] = "cancelled"
                os.kill(job["pid"], signal.SIGKILL)
            for fd in fds:
                os.close(fd)
        else:
            for fd in fds:
                os.close(fd)
        return True

    def _new_spare(self):
        za, a = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        zb, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        pid = os.fork()
        if pid == 0:
            try:
                za.close()
                zb.close()
                _spare_supervisor(a, b, self.bpf)
            finally:
                os._exit(EXIT_INTERNAL)
        a.close()
        b.close()
        self.spares.append({"pid": pid, "za": za, "zb": zb})

    def _drop_spare(self, spare):
        for sock in (spare["za"], spare["zb"]):
            try:
                sock.close()
            except OSError:
                pass

    def _start(self, req, fds):
        wall_ms = req.get("wall_ms", 30000)
        if not isinstance(wall_ms, (int, float)) or wall_ms <= 0:
            wall_ms = 30000
        start = time.monotonic()
        info = json.dumps({"table_rows": req.get("table_rows", 100000),
                           "cpu_ms": req.get("cpu_ms", 20000)}).encode()
        spare = None
        for _ in range(3):
            if not self.spares:
                self._new_spare()
            spare = self.spares.pop(0)
            try:
                socket.send_fds(spare["zb"], [b"job"], fds)
                socket.send_fds(spare["za"], [info], [fds[3]])
                break
            except OSError:
                self._drop_spare(spare)
                spare = None
        for fd in fds[:3]:
            os.close(fd)
        if spare is None:
            _send(fds[3], {"type": "log", "level": "error",
                           "message": "runner: could not start the job process"})
            _send(fds[3], {"type": "done", "status": "error", "exit_code": 1, "wall_ms": 0,
                           "cpu_ms": 0, "peak_rss_kb": 0, "limits_hit": []})
            os.close(fds[3])
            return
        spare["zb"].close()
        pid = spare["pid"]
        job = {"id": str(req.get("id")), "pid": pid, "proto": fds[3], "start": start,
               "deadline": start + wall_ms / 1000.0, "killed": None, "za": spare["za"]}
        self.jobs[pid] = job
        self.by_id[job["id"]] = job

    def _enforce_deadlines(self):
        now = time.monotonic()
        for job in self.jobs.values():
            if not job["killed"] and now >= job["deadline"]:
                job["killed"] = "wall"
                try:
                    os.kill(job["pid"], signal.SIGKILL)
                except OSError:
                    pass

    def _reap(self):
        while True:
            try:
                pid, status, ru = os.wait4(-1, os.WNOHANG)
            except ChildProcessError:
                return
            except InterruptedError:
                continue
            if pid == 0:
                return
            job = self.jobs.pop(pid, None)
            if job is None:
                for spare in [sp for sp in self.spares if sp["pid"] == pid]:
                    self.spares.remove(spare)
                    self._drop_spare(spare)
                continue
            self.by_id.pop(job["id"], None)
            self._finish(job, status, ru)

    def _finish(self, job, status, ru):
        wall_ms = int((time.monotonic() - job["start"]) * 1000)
        st, exit_code, limits_hit = _outcome(
            job["killed"], os.WEXITSTATUS(status) if os.WIFEXITED(status) else 0,
            os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0)
        cpu_ms = int((ru.ru_utime + ru.ru_stime) * 1000)
        peak = int(ru.ru_maxrss)
        try:
            usage = json.loads(job["za"].recv(512, socket.MSG_DONTWAIT).decode("utf-8"))
            cpu_ms = max(0, min(cpu_ms, int(usage["cpu_ms"])))
            peak = max(0, min(peak, int(usage["peak_rss_kb"])))
        except (OSError, ValueError, KeyError, TypeError):
            pass       # killed before it could say: the whole figure, an upper bound
        job["za"].close()
        _send(job["proto"], {
            "type": "done", "status": st, "exit_code": exit_code, "wall_ms": wall_ms,
            "cpu_ms": cpu_ms, "peak_rss_kb": peak, "limits_hit": limits_hit})
        os.close(job["proto"])


def _read_fd(fd):
    data = b""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
    except OSError:
        pass
    while True:
        b = os.read(fd, 1 << 16)
        if not b:
            break
        data += b
        if len(data) > MAX_JOB_BYTES:
            raise ValueError("seccomp filter too large")
    os.close(fd)
    return data


# ------------------------------------------------------------------- one-shot

def _int_limit(limits, name, default):
    value = limits.get(name, default)
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
        return default
    return int(value)


def _wait_job(pid, deadline):
    """Waits for the job process until DEADLINE (monotonic). Returns
    (killed, status, rusage): killed is "wall" when we had to kill it."""
    killed = None
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = None
    while True:
        try:
            got, status, ru = os.wait4(pid, os.WNOHANG)
        except InterruptedError:
            continue
        if got == pid:
            break
        left = deadline - time.monotonic()
        if left <= 0 and killed is None:
            killed = "wall"
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
            left = 0.05
        left = max(0.0, min(left, 0.5 if killed else 60.0))
        if pidfd is not None:
            try:
                select.select([pidfd], [], [], left)
            except InterruptedError:
                pass
        else:
            time.sleep(min(left, 0.01))
    if pidfd is not None:
        os.close(pidfd)
    return killed, status, ru


def _one_shot(proto, bpf):
    """Runs one job read from stdin; the `done` message goes to PROTO. The
    job process is made and judged by the same code as a zygote's child."""
    global JOB_DIR
    start = time.monotonic()
    try:
        job = _read_job(0, one_line=True)
    except (ValueError, OSError) as e:
        _send(proto, {"type": "log", "level": "error",
                      "message": "runner: the job could not be read: %s" % (e,)})
        _send(proto, {"type": "done", "status": "error", "exit_code": 1, "wall_ms": 0,
                      "cpu_ms": 0, "peak_rss_kb": 0, "limits_hit": []})
        return 0
    limits = job.get("limits") if isinstance(job.get("limits"), dict) else {}
    wall_ms = _int_limit(limits, "wall_ms", 30000)
    cpu_limit = _int_limit(limits, "cpu_ms", 20000)
    table_rows = _int_limit(limits, "table_rows", 100000)

    # A private work dir, as the zygote's child gets its own tmpfs.
    JOB_DIR = tempfile.mkdtemp(prefix="whatif-job-", dir="/tmp")
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        def prepare():
            _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
            _enter_job(os.open("/dev/null", os.O_RDONLY), 1, 2, proto)
            return job

        _job_main(prepare, bpf)

    # The job runs as our uid: it must not be able to open our memory
    # through /proc (ptrace itself is denied by its seccomp filter).
    _libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    # Our copies of the job's output would keep those pipes open after it.
    null = os.open("/dev/null", os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.close(null)
    killed, status, ru = _wait_job(pid, start + wall_ms / 1000.0)
    cpu_ms = int((ru.ru_utime + ru.ru_stime) * 1000)
    code = _job_exit_code(status, cpu_ms, cpu_limit)
    st, exit_code, limits_hit = _outcome(killed, code)
    if killed is None and code in (EXIT_OK, EXIT_ERROR):
        try:
            _collect_csv(proto, table_rows)
        except Exception:
            _send(proto, {"type": "log", "level": "error",
                          "message": "runner: " + traceback.format_exc(limit=3)[-2000:]})
    _send(proto, {"type": "done", "status": st, "exit_code": exit_code,
                  "wall_ms": int((time.monotonic() - start) * 1000), "cpu_ms": cpu_ms,
                  "peak_rss_kb": int(ru.ru_maxrss), "limits_hit": limits_hit})
    shutil.rmtree(JOB_DIR, ignore_errors=True)
    return 0


USAGE = ("usage: whatif_runner.py --zygote CONTROL_FD SECCOMP_FD\n"
         "       whatif_runner.py --protocol-fd FD [--seccomp-fd FD]  (one job on stdin)\n")


def main(argv):
    if len(argv) == 4 and argv[1] == "--zygote":
        ctrl_fd = int(argv[2])
        bpf = _read_fd(int(argv[3]))
        zygote = Zygote(ctrl_fd, bpf)
        zygote.preload()
        zygote.serve()
        return 0

    opts = {}
    args = argv[1:]
    while len(args) >= 2 and args[0] in ("--protocol-fd", "--seccomp-fd") and args[0] not in opts:
        try:
            opts[args[0]] = int(args[1])
        except ValueError:
            break
        args = args[2:]
    proto = opts.get("--protocol-fd")
    if args or proto is None or proto < 3 or opts.get("--seccomp-fd", 3) < 3:
        sys.stderr.write(USAGE)
        return 2
    # Without a filter the job process refuses to run (_load_seccomp).
    bpf = _read_fd(opts["--seccomp-fd"]) if "--seccomp-fd" in opts else b""
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    return _one_shot(proto, bpf)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
