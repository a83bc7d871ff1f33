/* test-sandbox-attacks.c: hostile programs against the bubblewrap backend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The firewall is off for every job here: the OS sandbox is the boundary and is
 * tested on its own. Each program prints DENIED… when the attack fails and
 * ESCAPED… when it works, so an expectation is both a presence and an absence.
 */
#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "wf-sandbox-test-util.h"

#define FAKE_KEY   "sk-fake-0123456789abcdef-should-never-leak"
#define FAKE_TOKEN "ghp_faketoken_never_leak_42"

typedef struct
{
  const char *path;
  const char *code;
  gint64      wall_ms;
  WfRunStatus status;
  const char *stdout_has;     /* nullable */
  const char *limit;          /* nullable: must be in limits_hit */
} Attack;

/* A helper prelude: `sc(name, nr, *args)` runs a raw syscall and prints
 * DENIED <name> <errno> or ESCAPED <name>. x86_64 numbers. */
#define PRELUDE \
  "import ctypes, os, errno\n" \
  "libc = ctypes.CDLL(None, use_errno=True)\n" \
  "def sc(name, nr, *args):\n" \
  "    r = libc.syscall(nr, *[ctypes.c_long(a) for a in args])\n" \
  "    e = ctypes.get_errno()\n" \
  "    print(('DENIED %s %s' % (name, errno.errorcode.get(e, e))) if r == -1 else ('ESCAPED %s' % name))\n"

static const Attack attacks[] = {
  /* Network */
  { "/attack/net/tcp-external",
    "import socket\n"
    "try:\n    socket.create_connection(('1.1.1.1', 443), timeout=1); print('ESCAPED')\n"
    "except OSError as e: print('DENIED', e.errno)\n",
    5000, WF_RUN_STATUS_OK, "DENIED 101", NULL },
  { "/attack/net/udp",
    "import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
    "try:\n    s.sendto(b'x', ('8.8.8.8', 53)); print('ESCAPED')\n"
    "except OSError as e: print('DENIED', e.errno)\n",
    5000, WF_RUN_STATUS_OK, "DENIED 101", NULL },
  { "/attack/net/dns",
    "import socket\n"
    "try:\n    socket.getaddrinfo('example.com', 80); print('ESCAPED')\n"
    "except OSError as e: print('DENIED dns')\n",
    5000, WF_RUN_STATUS_OK, "DENIED dns", NULL },
  { "/attack/net/interfaces-only-lo",
    "import socket\nprint('IFACES', sorted(n for _, n in socket.if_nameindex()))\n",
    5000, WF_RUN_STATUS_OK, "IFACES ['lo']", NULL },
  { "/attack/net/ipv6",
    "import socket\n"
    "try:\n    socket.create_connection(('2606:4700:4700::1111', 443), timeout=1); print('ESCAPED')\n"
    "except OSError as e: print('DENIED ipv6' if e.errno in (97, 99, 101) else 'ODD %d' % e.errno)\n",
    5000, WF_RUN_STATUS_OK, "DENIED ipv6", NULL },
  /* Files */
  { "/attack/fs/home-invisible",
    "import os\n"
    "seen = [p for p in ('/home', '/root', '/run/user', '/var', '/mnt', '/media', '/srv') if os.path.exists(p)]\n"
    "print('ESCAPED' if seen else 'DENIED home', seen)\n",
    5000, WF_RUN_STATUS_OK, "DENIED home []", NULL },
  { "/attack/fs/keyrings-invisible",
    "import os\nhits = []\n"
    "for root, dirs, files in os.walk('/'):\n"
    "    dirs[:] = [d for d in dirs if os.path.join(root, d) not in ('/proc', '/usr', '/dev')]\n"
    "    hits += [os.path.join(root, n) for n in dirs + files if 'keyring' in n or n in ('.ssh', '.gnupg', '.netrc')]\n"
    "print('ESCAPED' if hits else 'DENIED keyrings', hits)\n",
    10000, WF_RUN_STATUS_OK, "DENIED keyrings []", NULL },
  { "/attack/fs/etc-secrets-absent",
    "import os\nseen = [p for p in ('/etc/shadow', '/etc/passwd', '/etc/ssh', '/etc/ssl/private', '/etc/machine-id') if os.path.exists(p)]\n"
    "print('ESCAPED' if seen else 'DENIED etc', seen)\n",
    5000, WF_RUN_STATUS_OK, "DENIED etc []", NULL },
  { "/attack/fs/sys-absent",
    "import os\nprint('ESCAPED' if os.path.exists('/sys/class') else 'DENIED sys')\n",
    5000, WF_RUN_STATUS_OK, "DENIED sys", NULL },
  { "/attack/fs/write-usr",
    "try:\n    open('/usr/evil', 'w'); print('ESCAPED')\n"
    "except OSError as e: print('DENIED', e.errno)\n",
    5000, WF_RUN_STATUS_OK, "DENIED 30", NULL },
  { "/attack/fs/write-root",
    "try:\n    open('/evil', 'w'); print('ESCAPED')\n"
    "except OSError as e: print('DENIED', e.errno)\n",
    5000, WF_RUN_STATUS_OK, "DENIED 30", NULL },
  { "/attack/fs/write-etc",
    "try:\n    open('/etc/ld.so.preload', 'w'); print('ESCAPED')\n"
    "except OSError as e: print('DENIED', e.errno)\n",
    5000, WF_RUN_STATUS_OK, "DENIED 30", NULL },
  { "/attack/fs/write-runner",
    "import glob\nok = True\n"
    "for f in glob.glob('/whatif/runner/**/*.py', recursive=True):\n"
    "    try:\n        open(f, 'a'); ok = False\n    except OSError: pass\n"
    "print('DENIED runner' if ok else 'ESCAPED')\n",
    5000, WF_RUN_STATUS_OK, "DENIED runner", NULL },
  { "/attack/fs/dotdot-traversal",
    "try:\n    open('../../../usr/evil', 'w'); print('ESCAPED')\n"
    "except OSError as e: print('DENIED', e.errno)\n",
    5000, WF_RUN_STATUS_OK, "DENIED 30", NULL },
  { "/attack/fs/symlink-escape",
    "import os\nos.symlink('/', 'root')\n"
    "try:\n    open('root/usr/evil', 'w'); print('ESCAPED')\n"
    "except OSError as e: print('DENIED', e.errno)\n",
    5000, WF_RUN_STATUS_OK, "DENIED 30", NULL },
  { "/attack/fs/100000-files",
    "import os\nn = 0\n"
    "try:\n"
    "    for n in range(100000):\n        open('f%d' % n, 'w').close()\n"
    "    print('ESCAPED')\n"
    "except OSError as e:\n    print('DENIED files', e.errno, n < 100000)\n    raise\n",
    20000, WF_RUN_STATUS_ERROR, "DENIED files 28 True", "disk" },
  { "/attack/fs/file-size",
    "f = open('big', 'wb')\nchunk = b'x' * (1 << 20)\n"
    "for i in range(200):\n    f.write(chunk)\n    f.flush()\n",
    10000, WF_RUN_STATUS_ERROR, NULL, "file_size" },
  /* Processes */
  { "/attack/proc/fork",
    "import os\n"
    "try:\n    pid = os.fork()\n    print('ESCAPED', pid)\n    os._exit(0) if pid == 0 else None\n"
    "except OSError as e: print('DENIED', e.errno)\n",
    5000, WF_RUN_STATUS_OK, "DENIED 1", NULL },
  { "/attack/proc/fork-bomb",
    "import os\nn = 0\n"
    "for i in range(10000):\n"
    "    try:\n        if os.fork() == 0:\n            while True: os.fork()\n    except OSError: n += 1\n"
    "print('DENIED bomb', n)\n",
    5000, WF_RUN_STATUS_OK, "DENIED bomb 10000", NULL },
  { "/attack/proc/subprocess",
    "import subprocess\n"
    "try:\n    subprocess.run(['/usr/bin/id']); print('ESCAPED')\n"
    "except OSError as e: print('DENIED', e.errno)\n",
    5000, WF_RUN_STATUS_OK, "DENIED 1", NULL },
  { "/attack/proc/execve",
    "import os\n"
    "try:\n    os.execv('/usr/bin/id', ['id']); print('ESCAPED')\n"
    "except OSError as e: print('DENIED', e.errno)\n",
    5000, WF_RUN_STATUS_OK, "DENIED 1", NULL },
  { "/attack/proc/background-thread-dies",
    "import threading, time\n"
    "def spin():\n    while True: time.sleep(0.05)\n"
    "threading.Thread(target=spin, daemon=False).start()\nprint('STARTED')\n"
    "import os\nos._exit(0)\n",
    3000, WF_RUN_STATUS_OK, "STARTED", NULL },
  { "/attack/proc/threads-still-work",
    "import threading\nout = []\nt = threading.Thread(target=lambda: out.append(42))\nt.start(); t.join()\n"
    "print('THREAD', out)\n",
    5000, WF_RUN_STATUS_OK, "THREAD [42]", NULL },
  { "/attack/proc/only-self-visible",
    "import os\npids = sorted(int(p) for p in os.listdir('/proc') if p.isdigit())\n"
    "print('PIDS', pids, os.getpid())\n",
    5000, WF_RUN_STATUS_OK, "PIDS [] 1", NULL },
  { "/attack/proc/no-capabilities",
    "import ctypes\n"
    "print('CAPS', ctypes.CDLL(None).prctl(23, 21, 0, 0, 0))  # PR_CAPBSET_READ, CAP_SYS_ADMIN\n",
    5000, WF_RUN_STATUS_OK, "CAPS 0", NULL },
  { "/attack/proc/kill-everything",
    "import os, signal\nn = 0\n"
    "for pid in range(2, 40000):\n"
    "    try:\n        os.kill(pid, signal.SIGKILL); n += 1\n    except OSError: pass\n"
    "try:\n    os.kill(-1, signal.SIGKILL)\nexcept OSError: pass\n"
    "print('KILLED', n)\n",
    10000, WF_RUN_STATUS_OK, "KILLED 0", NULL },
  /* Kernel interfaces, through seccomp */
  { "/attack/seccomp/ptrace-attach",
    PRELUDE "sc('ptrace', 101, 16, 1, 0, 0)\n",
    5000, WF_RUN_STATUS_OK, "DENIED ptrace EPERM", NULL },
  { "/attack/seccomp/keyctl",
    PRELUDE "sc('keyctl', 250, 0, -4, 0)\n",
    5000, WF_RUN_STATUS_OK, "DENIED keyctl EPERM", NULL },
  { "/attack/seccomp/add-key",
    PRELUDE "k = ctypes.c_char_p(b'user'); d = ctypes.c_char_p(b'leak')\n"
    "r = libc.add_key(k, d, d, 4, -4) if hasattr(libc, 'add_key') else libc.syscall(248, k, d, d, 4, -4)\n"
    "print('DENIED add_key', errno.errorcode.get(ctypes.get_errno())) if r == -1 else print('ESCAPED')\n",
    5000, WF_RUN_STATUS_OK, "DENIED add_key EPERM", NULL },
  { "/attack/seccomp/unshare-user",
    PRELUDE "sc('unshare', 272, 0x10000000)\n",
    5000, WF_RUN_STATUS_OK, "DENIED unshare EPERM", NULL },
  { "/attack/seccomp/clone-newuser",
    PRELUDE "sc('clone', 56, 0x10000000 | 17, 0, 0, 0, 0)\n",
    5000, WF_RUN_STATUS_OK, "DENIED clone EPERM", NULL },
  { "/attack/seccomp/clone3-enosys",
    PRELUDE "sc('clone3', 435, 0, 0)\n",
    5000, WF_RUN_STATUS_OK, "DENIED clone3 ENOSYS", NULL },
  { "/attack/seccomp/setns",
    PRELUDE "sc('setns', 308, 0, 0)\n",
    5000, WF_RUN_STATUS_OK, "DENIED setns EPERM", NULL },
  { "/attack/seccomp/mount",
    PRELUDE "r = libc.mount(b'tmpfs', b'/job', b'tmpfs', 0, None)\n"
    "print('DENIED mount', errno.errorcode.get(ctypes.get_errno())) if r == -1 else print('ESCAPED')\n",
    5000, WF_RUN_STATUS_OK, "DENIED mount EPERM", NULL },
  { "/attack/seccomp/new-mount-api",
    PRELUDE "sc('fsopen', 430, 0, 0)\n",
    5000, WF_RUN_STATUS_OK, "DENIED fsopen ENOSYS", NULL },
  { "/attack/seccomp/bpf",
    PRELUDE "sc('bpf', 321, 0, 0, 0)\n",
    5000, WF_RUN_STATUS_OK, "DENIED bpf EPERM", NULL },
  { "/attack/seccomp/perf-event-open",
    PRELUDE "sc('perf_event_open', 298, 0, 0, -1, -1, 0)\n",
    5000, WF_RUN_STATUS_OK, "DENIED perf_event_open EPERM", NULL },
  { "/attack/seccomp/userfaultfd",
    PRELUDE "sc('userfaultfd', 323, 0)\n",
    5000, WF_RUN_STATUS_OK, "DENIED userfaultfd EPERM", NULL },
  { "/attack/seccomp/personality",
    PRELUDE "sc('personality', 135, 0x0040000)\n",
    5000, WF_RUN_STATUS_OK, "DENIED personality EPERM", NULL },
  { "/attack/seccomp/tiocsti",
    PRELUDE "import fcntl, termios\n"
    "try:\n    fcntl.ioctl(1, termios.TIOCSTI, b'x'); print('ESCAPED')\n"
    "except OSError as e: print('DENIED tiocsti', errno.errorcode.get(e.errno))\n",
    5000, WF_RUN_STATUS_OK, "DENIED tiocsti EPERM", NULL },
  { "/attack/seccomp/process-vm-writev",
    PRELUDE "sc('process_vm_writev', 311, 1, 0, 0, 0, 0, 0)\n",
    5000, WF_RUN_STATUS_OK, "DENIED process_vm_writev EPERM", NULL },
  /* Resources */
  { "/attack/mem/10gb-bytearray",
    "x = bytearray(10 * 1024 ** 3)\nprint('ESCAPED')\n",
    5000, WF_RUN_STATUS_ERROR, NULL, "memory" },
  { "/attack/mem/numpy-huge",
    "import numpy as np\nx = np.ones(10 ** 10)\nprint('ESCAPED')\n",
    5000, WF_RUN_STATUS_ERROR, NULL, "memory" },
};

static void
run_attack (gconstpointer data)
{
  const Attack *a = data;
  g_autoptr(WfRunResult) r = NULL;

  if (!test_sandbox_usable ())
    return;
  r = test_run (a->code, a->wall_ms);
  if (r->status != a->status)
    g_test_message ("stdout: %s\nstderr: %s\nerror: %s", r->stdout_text, r->stderr_text,
                    r->error_message ? r->error_message : "");
  g_assert_cmpstr (wf_run_status_to_string (r->status), ==, wf_run_status_to_string (a->status));
  g_assert_null (strstr (r->stdout_text, "ESCAPED"));
  if (a->stdout_has != NULL)
    g_assert_nonnull (strstr (r->stdout_text, a->stdout_has));
  if (a->limit != NULL)
    g_assert_true (test_result_has_limit (r, a->limit));
}

/* ---- attacks that need the host side ---- */

static void
test_env_secrets (void)
{
  g_autoptr(WfRunResult) r = NULL;

  if (!test_sandbox_usable ())
    return;
  r = test_run ("import os\n"
                "bad = [k for k in os.environ if k.endswith('_API_KEY') or k.endswith('_TOKEN')]\n"
                "print('ENV', sorted(os.environ), 'BAD', bad)\n", 5000);
  g_assert_cmpint (r->status, ==, WF_RUN_STATUS_OK);
  g_assert_nonnull (strstr (r->stdout_text, "BAD []"));
  g_assert_null (strstr (r->stdout_text, "FAKE_OPENAI_API_KEY"));
  g_assert_null (strstr (r->stdout_text, FAKE_KEY));
}

static void
test_proc_environ (void)
{
  g_autoptr(WfRunResult) r = NULL;

  if (!test_sandbox_usable ())
    return;
  /* Every environ the job can read, not only pid 1. */
  r = test_run ("import os\nout = []\n"
                "for p in os.listdir('/proc'):\n"
                "    if p.isdigit() or p == 'self':\n"
                "        try: out.append(open('/proc/%s/environ' % p, 'rb').read())\n"
                "        except OSError as e: out.append(b'ERR')\n"
                "print(repr(b'|'.join(out)))\n", 5000);
  g_assert_cmpint (r->status, ==, WF_RUN_STATUS_OK);
  g_assert_null (strstr (r->stdout_text, FAKE_KEY));
  g_assert_null (strstr (r->stdout_text, FAKE_TOKEN));
  g_assert_null (strstr (r->stdout_text, "FAKE_OPENAI"));
  g_assert_null (strstr (r->stdout_text, g_get_home_dir ()));
}

static void
test_hostname (void)
{
  g_autoptr(WfRunResult) r = NULL;
  g_autofree char *expect = NULL;

  if (!test_sandbox_usable ())
    return;
  r = test_run ("import socket\nprint('HOST=' + socket.gethostname())\n", 5000);
  g_assert_cmpint (r->status, ==, WF_RUN_STATUS_OK);
  g_assert_nonnull (strstr (r->stdout_text, "HOST=sandbox"));
  expect = g_strdup_printf ("HOST=%s\n", g_get_host_name ());
  if (!g_str_equal (g_get_host_name (), "sandbox"))
    g_assert_null (strstr (r->stdout_text, expect));
}

static void
test_host_loopback (void)
{
  g_autoptr(GSocket) listener = NULL;
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRunResult) r = NULL;
  g_autofree char *code = NULL;
  GSocket *client;
  guint16 port;

  if (!test_sandbox_usable ())
    return;
  listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (listener, addr, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (listener, &error);
  g_assert_no_error (error);
  g_socket_set_blocking (listener, FALSE);
  bound = g_socket_get_local_address (listener, &error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  code = g_strdup_printf ("import socket\n"
                          "try:\n    socket.create_connection(('127.0.0.1', %u), timeout=1); print('ESCAPED')\n"
                          "except OSError as e: print('DENIED', e.errno)\n", port);
  r = test_run (code, 5000);
  g_assert_cmpint (r->status, ==, WF_RUN_STATUS_OK);
  g_assert_nonnull (strstr (r->stdout_text, "DENIED"));
  client = g_socket_accept (listener, NULL, &error);
  g_assert_null (client);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
}

static void
test_abstract_socket (void)
{
  g_autoptr(GSocket) listener = NULL;
  g_autoptr(GSocketAddress) addr = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRunResult) r = NULL;
  g_autofree char *name = g_strdup_printf ("whatif-test-%d", getpid ());
  g_autofree char *code = NULL;

  if (!test_sandbox_usable ())
    return;
  addr = g_unix_socket_address_new_with_type (name, -1, G_UNIX_SOCKET_ADDRESS_ABSTRACT);
  listener = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, 0, &error);
  g_assert_no_error (error);
  g_socket_bind (listener, addr, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (listener, &error);
  g_assert_no_error (error);

  /* Like an X11 or D-Bus abstract socket: the network namespace hides it. */
  code = g_strdup_printf ("import socket\ns = socket.socket(socket.AF_UNIX)\n"
                          "try:\n    s.connect('\\0%s'); print('ESCAPED')\n"
                          "except OSError as e: print('DENIED', e.errno)\n", name);
  r = test_run (code, 5000);
  g_assert_cmpint (r->status, ==, WF_RUN_STATUS_OK);
  g_assert_nonnull (strstr (r->stdout_text, "DENIED 111"));
}

static void
test_infinite_loop (void)
{
  g_autoptr(WfRunResult) r = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed_ms;

  if (!test_sandbox_usable ())
    return;
  /* A timeout replaces the zygote: start the next one outside the timing. */
  wf_run_result_free (test_run ("pass\n", 20000));
  start = g_get_monotonic_time ();
  r = test_run ("while True:\n    pass\n", 2000);
  elapsed_ms = (g_get_monotonic_time () - start) / 1000;
  g_assert_cmpint (r->status, ==, WF_RUN_STATUS_TIMEOUT);
  g_assert_true (test_result_has_limit (r, "wall"));
  g_assert_cmpint (elapsed_ms, <=, 2000 + 1000);
}

static void
test_sleep_forever (void)
{
  g_autoptr(WfRunResult) r = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed_ms;

  if (!test_sandbox_usable ())
    return;
  /* A timeout replaces the zygote: start the next one outside the timing. */
  wf_run_result_free (test_run ("pass\n", 20000));
  start = g_get_monotonic_time ();
  r = test_run ("import time\ntime.sleep(3600)\n", 2000);
  elapsed_ms = (g_get_monotonic_time () - start) / 1000;
  g_assert_cmpint (r->status, ==, WF_RUN_STATUS_TIMEOUT);
  g_assert_true (test_result_has_limit (r, "wall"));
  g_assert_cmpint (elapsed_ms, <=, 2000 + 1000);
}

static void
test_cpu_limit (void)
{
  g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, "python", "while True:\n    pass\n");
  g_autoptr(WfRunResult) r = NULL;

  if (!test_sandbox_usable ())
    return;
  job->policy = FALSE;
  job->limits.cpu_ms = 1000;
  job->limits.wall_ms = 10000;
  r = test_run_job (job);
  if (r->status != WF_RUN_STATUS_TIMEOUT)
    g_test_message ("status %s exit %d cpu %" G_GINT64_FORMAT " wall %" G_GINT64_FORMAT,
                    wf_run_status_to_string (r->status), r->exit_code, r->cpu_ms, r->wall_ms);
  g_assert_cmpint (r->status, ==, WF_RUN_STATUS_TIMEOUT);
  g_assert_true (test_result_has_limit (r, "cpu"));
  g_assert_cmpint (r->wall_ms, <, 9000);
}

static void
test_print_1gb (void)
{
  g_autoptr(WfRunResult) r = NULL;
  gint64 start = g_get_monotonic_time ();

  if (!test_sandbox_usable ())
    return;
  r = test_run ("import sys\nchunk = 'y' * (1 << 20)\n"
                "for i in range(1024):\n    sys.stdout.write(chunk)\n", 20000);
  g_assert_true (r->stdout_truncated);
  g_assert_cmpuint (strlen (r->stdout_text), <=, 1024 * 1024);
  g_assert_true (test_result_has_limit (r, "output"));
  g_assert_cmpint (r->status, !=, WF_RUN_STATUS_OK);
  /* Stopped long before it could print a gigabyte, and never hung. */
  g_assert_cmpint ((g_get_monotonic_time () - start) / 1000, <, 20000 + 1000);
}

static void
test_collect_symlink_fifo (void)
{
  g_autoptr(WfRunResult) r = NULL;

  if (!test_sandbox_usable ())
    return;
  r = test_run ("import os\n"
                "open('/tmp/secret.csv', 'w').write('secret\\nLEAKED\\n')\n"
                "os.symlink('/tmp/secret.csv', 'leak.csv')\n"
                "os.symlink('/proc/self/environ', 'env.csv')\n"
                "os.mkfifo('pipe.csv')\n"
                "open('ok.csv', 'w').write('a,b\\n1,2\\n')\n", 5000);
  g_assert_cmpint (r->status, ==, WF_RUN_STATUS_OK);
  /* The control file is collected, so collection ran … */
  g_assert_nonnull (test_result_find_table (r, "ok.csv"));
  /* … and neither the links nor the FIFO were followed (no hang either). */
  g_assert_null (test_result_find_table (r, "leak.csv"));
  g_assert_null (test_result_find_table (r, "env.csv"));
  g_assert_null (test_result_find_table (r, "pipe.csv"));
  g_assert_cmpint (r->wall_ms, <, 4000);
}

static void
test_zygote_survives (void)
{
  WfSandboxBwrap *bwrap = WF_SANDBOX_BWRAP (test_sandbox);
  g_autoptr(WfRunResult) warm = NULL;
  g_autoptr(WfRunResult) attack = NULL;
  g_autoptr(WfRunResult) after = NULL;
  GPid before_pid;
  guint before_n;

  if (!test_sandbox_usable ())
    return;
  warm = test_run ("print('warm')\n", 5000);
  g_assert_cmpint (warm->status, ==, WF_RUN_STATUS_OK);
  before_pid = wf_sandbox_bwrap_get_zygote_pid (bwrap);
  before_n = wf_sandbox_bwrap_get_n_zygotes (bwrap);
  g_assert_cmpint (before_pid, >, 0);

  /* Try every way to reach the zygote: signals to every pid, its memory
   * through /proc, and process_vm_writev to low pids. */
  attack = test_run ("import os, signal, ctypes\nhits = 0\n"
                     "for pid in range(1, 4096):\n"
                     "    if pid == os.getpid(): continue\n"
                     "    try: os.kill(pid, signal.SIGKILL); hits += 1\n"
                     "    except OSError: pass\n"
                     "    try:\n"
                     "        with open('/proc/%d/mem' % pid, 'r+b') as f: f.write(b'x'); hits += 1\n"
                     "    except OSError: pass\n"
                     "print('HITS', hits)\n", 10000);
  g_assert_cmpint (attack->status, ==, WF_RUN_STATUS_OK);
  g_assert_nonnull (strstr (attack->stdout_text, "HITS 0"));

  after = test_run ("print('still here')\n", 5000);
  g_assert_cmpint (after->status, ==, WF_RUN_STATUS_OK);
  g_assert_cmpint (wf_sandbox_bwrap_get_zygote_pid (bwrap), ==, before_pid);
  g_assert_cmpuint (wf_sandbox_bwrap_get_n_zygotes (bwrap), ==, before_n);
  g_assert_cmpint (kill (before_pid, 0), ==, 0);
}

static void
test_no_state_between_jobs (void)
{
  g_autoptr(WfRunResult) a = NULL;
  g_autoptr(WfRunResult) b = NULL;

  if (!test_sandbox_usable ())
    return;
  a = test_run ("import whatif, numpy\nopen('state.txt', 'w').write('1')\nopen('/tmp/state', 'w').write('1')\n"
                "whatif.POISON = 1\nnumpy.POISON = 1\n", 5000);
  g_assert_cmpint (a->status, ==, WF_RUN_STATUS_OK);
  b = test_run ("import os, whatif, numpy\n"
                "print('LEFT', os.path.exists('state.txt'), os.path.exists('/tmp/state'),"
                " hasattr(whatif, 'POISON'), hasattr(numpy, 'POISON'))\n", 5000);
  g_assert_cmpint (b->status, ==, WF_RUN_STATUS_OK);
  g_assert_nonnull (strstr (b->stdout_text, "LEFT False False False False"));
}

static void
test_stdout_spoofing (void)
{
  g_autoptr(WfRunResult) r = NULL;

  if (!test_sandbox_usable ())
    return;
  r = test_run ("print('{\"type\":\"metric\",\"name\":\"forged\",\"value\":1}')\n"
                "print('{\"type\":\"done\",\"status\":\"ok\",\"exit_code\":0,\"wall_ms\":0,\"cpu_ms\":0,\"peak_rss_kb\":0}')\n"
                "import sys\nsys.stderr.write('{\"type\":\"table\",\"name\":\"t\",\"columns\":[],\"rows\":[]}\\n')\n"
                "raise SystemExit(3)\n", 5000);
  /* Printed JSON is just text: no metric, no table, and the job's own exit
   * status wins. */
  g_assert_cmpuint (r->metrics->len, ==, 0);
  g_assert_cmpuint (r->tables->len, ==, 0);
  g_assert_cmpint (r->status, ==, WF_RUN_STATUS_ERROR);
  g_assert_nonnull (strstr (r->stdout_text, "forged"));
}

static void
test_protocol_fd_spoofing (void)
{
  g_autoptr(WfRunResult) r = NULL;

  if (!test_sandbox_usable ())
    return;
  /* Writing on the protocol descriptor itself can only spoil this job's own
   * result: a forged done is followed by the real one, which is out of order. */
  r = test_run ("import os\n"
                "os.write(3, b'{\"type\":\"metric\",\"name\":\"forged\",\"value\":1}\\n')\n"
                "os.write(3, b'{\"type\":\"done\",\"status\":\"ok\",\"exit_code\":0,\"wall_ms\":0,\"cpu_ms\":0,\"peak_rss_kb\":0}\\n')\n"
                "os.write(3, b'\\xff\\xfe garbage')\n", 5000);
  g_assert_cmpint (r->status, ==, WF_RUN_STATUS_ERROR);
  g_assert_cmpuint (r->metrics->len, ==, 0);
  g_assert_nonnull (r->error_message);
}

int
main (int argc, char **argv)
{
  int ret;

  /* Secrets in our own environment that must never reach a job. */
  g_setenv ("FAKE_OPENAI_API_KEY", FAKE_KEY, TRUE);
  g_setenv ("WHATIF_TEST_TOKEN", FAKE_TOKEN, TRUE);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  if (g_getenv ("WHATIF_TEST_NONFATAL"))
    g_test_set_nonfatal_assertions ();
  test_sandbox = wf_sandbox_bwrap_new_full (1, 0);

  for (gsize i = 0; i < G_N_ELEMENTS (attacks); i++)
    g_test_add_data_func (attacks[i].path, &attacks[i], run_attack);
  g_test_add_func ("/attack/env/no-api-keys-or-tokens", test_env_secrets);
  g_test_add_func ("/attack/env/proc-environ-clean", test_proc_environ);
  g_test_add_func ("/attack/env/hostname", test_hostname);
  g_test_add_func ("/attack/net/host-loopback", test_host_loopback);
  g_test_add_func ("/attack/net/abstract-unix-socket", test_abstract_socket);
  g_test_add_func ("/attack/time/infinite-loop", test_infinite_loop);
  g_test_add_func ("/attack/time/sleep-3600", test_sleep_forever);
  g_test_add_func ("/attack/time/cpu-limit", test_cpu_limit);
  g_test_add_func ("/attack/output/print-1gb", test_print_1gb);
  g_test_add_func ("/attack/collect/symlink-and-fifo", test_collect_symlink_fifo);
  g_test_add_func ("/attack/zygote/cannot-kill-or-write", test_zygote_survives);
  g_test_add_func ("/attack/zygote/no-state-between-jobs", test_no_state_between_jobs);
  g_test_add_func ("/attack/protocol/stdout-spoofing", test_stdout_spoofing);
  g_test_add_func ("/attack/protocol/fd-spoofing", test_protocol_fd_spoofing);

  ret = g_test_run ();
  g_clear_object (&test_sandbox);
  return ret;
}
