/* wf-zygote.c: warm runner zygotes inside one long-lived bubblewrap each
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Design (measured figures in docs/sandbox-notes.md §3.2):
 *
 *  - One hardened bwrap per zygote, exec'd with an EMPTY environment (bwrap's
 *    own pid 1 would otherwise keep ours, readable as /proc/1/environ) and
 *    --as-pid-1, so the zygote is the sandbox's init and everything in it dies
 *    with it. The zygote imports numpy and pandas once.
 *  - The outer sandbox must allow nested user namespaces (no --disable-userns):
 *    each job's supervisor enters its own user, mount, net, pid, ipc and uts
 *    namespaces. User code is kept from doing the same by the per-job seccomp
 *    filter (unshare, setns, clone without CLONE_THREAD, clone3, mount…).
 *  - The work dir's inode cap: bwrap's --size caps bytes only. Inside its own
 *    user + mount namespace the job supervisor may mount a tmpfs itself, so it
 *    mounts /job with size= AND nr_inodes= from the job's limits.
 *  - RLIMIT_NPROC is not used (it counts all of the desktop user's processes);
 *    the seccomp filter makes process creation impossible for user code.
 *  - bwrap runs with --die-with-parent, which is tied to the THREAD that forked
 *    it: each zygote is therefore spawned by a thread of its own that lives
 *    exactly as long as the zygote (it waits for it), never by a pool thread.
 *  - Each job gets four pipes passed with SCM_RIGHTS over a SOCK_SEQPACKET
 *    control socket: the job line, stdout, stderr and the protocol. The zygote
 *    writes `done` on the protocol pipe after the job's processes are gone.
 *    The zygote enforces the wall limit; if it does not answer within wall + 3 s
 *    we kill the whole sandbox and start a new zygote for the next job.
 */
#define G_LOG_DOMAIN "wf-zygote"

#include "config.h"

#include "wf-zygote.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib-unix.h>

#include "wf-runner-protocol.h"
#include "wf-seccomp.h"

#define READY_TIMEOUT_MS   60000
#define BACKSTOP_MS        3000
#define RUNNER_MOUNT       "/whatif/runner"
#define OUTPUT_KILL_FACTOR 16

typedef struct
{
  gint      ref;
  GPid      pid;
  int       ctrl;
  gboolean  ready;
  gboolean  dead;
  gboolean  retired;
  gboolean  closed;
  guint     active;
  guint     n_jobs;
  char     *error;
  GThread  *thread;
  WfZygotePool *pool;
} Zygote;

struct _WfZygotePool
{
  GMutex     lock;
  GCond      cond;
  char      *bwrap;
  char      *python;
  char      *runner_dir;
  guint      max_concurrent;
  guint      max_jobs;
  char      *workbook_path;
  gboolean   workbook_writable;
  char      *import_path;
  guint      running;
  guint      n_started;
  Zygote    *current;
  GPtrArray *all;        /* every zygote whose thread may still run */
};

static void
zygote_unref (Zygote *z)
{
  if (!g_atomic_int_dec_and_test (&z->ref))
    return;
  if (z->ctrl >= 0)
    close (z->ctrl);
  g_free (z->error);
  g_free (z);
}

/* The only host paths a job sees besides /usr and the runner: the workbook
 * (read-only for run and SQL jobs, writable for an import job) and the CSV
 * file being imported (read-only). The workbook shares its directory with
 * the main database, so the file and its journal are bound one by one, never
 * the directory; the import writes with journal_mode=TRUNCATE because a bound
 * journal cannot be deleted. */
static void
add_workbook_mounts (GPtrArray    *argv,
                     WfZygotePool *pool)
{
  if (pool->workbook_path != NULL)
    {
      g_autofree char *journal = g_strconcat (pool->workbook_path, "-journal", NULL);
      const char *bind = pool->workbook_writable ? "--bind" : "--ro-bind";

      g_ptr_array_add (argv, g_strdup (bind));
      g_ptr_array_add (argv, g_strdup (pool->workbook_path));
      g_ptr_array_add (argv, g_strdup (WF_RUNNER_WORKBOOK_MOUNT));
      /* A reader must see a hot journal to know the file is mid-write. */
      g_ptr_array_add (argv, g_strdup (pool->workbook_writable ? "--bind" : "--ro-bind-try"));
      g_ptr_array_add (argv, g_steal_pointer (&journal));
      g_ptr_array_add (argv, g_strdup (WF_RUNNER_WORKBOOK_MOUNT "-journal"));
    }
  if (pool->import_path != NULL)
    {
      g_ptr_array_add (argv, g_strdup ("--ro-bind"));
      g_ptr_array_add (argv, g_strdup (pool->import_path));
      g_ptr_array_add (argv, g_strdup (WF_RUNNER_IMPORT_MOUNT));
    }
}

static GPtrArray *
build_argv (WfZygotePool *pool,
            int           ctrl_fd,
            int           sandbox_bpf_fd,
            int           job_bpf_fd)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *runner = g_build_filename (RUNNER_MOUNT, "whatif_runner.py", NULL);
  /* /etc/alternatives: Debian reaches libblas.so.3 through it. */
  static const char * const etc_files[] = { "/etc/ld.so.cache", "/etc/localtime", "/etc/alternatives", NULL };

#define ADD(...) G_STMT_START { const char *_a[] = { __VA_ARGS__ }; \
  for (gsize _i = 0; _i < G_N_ELEMENTS (_a); _i++) g_ptr_array_add (argv, g_strdup (_a[_i])); } G_STMT_END

  g_ptr_array_add (argv, g_strdup (pool->bwrap));
  ADD ("--unshare-all", "--unshare-user", "--as-pid-1", "--die-with-parent", "--new-session");
  ADD ("--hostname", "sandbox", "--clearenv");
  ADD ("--setenv", "PATH", "/usr/bin", "--setenv", "LANG", "C.UTF-8",
       "--setenv", "HOME", "/job", "--setenv", "OPENBLAS_NUM_THREADS", "1",
       "--setenv", "PYTHONDONTWRITEBYTECODE", "1");
  ADD ("--ro-bind", "/usr", "/usr");
  ADD ("--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
       "--symlink", "usr/bin", "/bin", "--symlink", "usr/sbin", "/sbin");
  for (gsize i = 0; etc_files[i]; i++)
    ADD ("--ro-bind-try", etc_files[i], etc_files[i]);
  ADD ("--proc", "/proc", "--dev", "/dev");
  /* Outer caps; each job mounts its own, smaller tmpfs over these. */
  ADD ("--size", "16777216", "--tmpfs", "/tmp", "--size", "16777216", "--tmpfs", "/job");
  ADD ("--ro-bind", pool->runner_dir, RUNNER_MOUNT);
  add_workbook_mounts (argv, pool);
  ADD ("--remount-ro", "/");
  ADD ("--chdir", "/job");
  if (sandbox_bpf_fd >= 0)
    {
      g_ptr_array_add (argv, g_strdup ("--seccomp"));
      g_ptr_array_add (argv, g_strdup_printf ("%d", sandbox_bpf_fd));
    }
  g_ptr_array_add (argv, g_strdup (pool->python));
  ADD ("-I", "-B");
  g_ptr_array_add (argv, g_steal_pointer (&runner));
  g_ptr_array_add (argv, g_strdup ("--zygote"));
  g_ptr_array_add (argv, g_strdup_printf ("%d", ctrl_fd));
  g_ptr_array_add (argv, g_strdup_printf ("%d", job_bpf_fd));
  g_ptr_array_add (argv, NULL);
#undef ADD
  return argv;
}

static void
zygote_mark_dead (Zygote     *z,
                  const char *error)
{
  WfZygotePool *pool = z->pool;

  g_mutex_lock (&pool->lock);
  z->dead = TRUE;
  if (error != NULL && z->error == NULL)
    z->error = g_strdup (error);
  g_cond_broadcast (&pool->cond);
  g_mutex_unlock (&pool->lock);
}

static gboolean
wait_ready (Zygote  *z,
            GError **error)
{
  struct pollfd pfd = { z->ctrl, POLLIN, 0 };
  char buf[512];
  ssize_t n;
  int r;

  do
    r = poll (&pfd, 1, READY_TIMEOUT_MS);
  while (r < 0 && errno == EINTR);
  if (r <= 0)
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_SPAWN,
                   _("The Python runner did not start within %d seconds"), READY_TIMEOUT_MS / 1000);
      return FALSE;
    }
  n = recv (z->ctrl, buf, sizeof buf - 1, 0);
  if (n <= 0)
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_SPAWN,
                   _("The Python runner stopped while starting; check that %s has numpy and pandas "
                     "and that bubblewrap can create user namespaces"), z->pool->python);
      return FALSE;
    }
  buf[n] = '\0';
  if (strstr (buf, "\"ready\"") == NULL)
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_PROTOCOL,
                   _("The Python runner sent an unexpected greeting"));
      return FALSE;
    }
  return TRUE;
}

static gpointer
zygote_thread (gpointer data)
{
  Zygote *z = data;
  WfZygotePool *pool = z->pool;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = NULL;
  int sv[2] = { -1, -1 };
  int outer_bpf = -1, job_bpf = -1;
  int source_fds[3], target_fds[3];
  const char * const envp[] = { NULL };
  GPid pid = 0;
  int status;

  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    {
      zygote_mark_dead (z, g_strerror (errno));
      goto out;
    }
  outer_bpf = wf_seccomp_export (WF_SECCOMP_SANDBOX, &error);
  if (outer_bpf >= 0)
    job_bpf = wf_seccomp_export (WF_SECCOMP_JOB, &error);
  if (job_bpf < 0)
    {
      /* Without the job filter user code could fork and exec freely: refuse. */
      zygote_mark_dead (z, error->message);
      goto out;
    }

  source_fds[0] = sv[1];
  target_fds[0] = 3;
  source_fds[1] = outer_bpf;
  target_fds[1] = 4;
  source_fds[2] = job_bpf;
  target_fds[2] = 5;
  argv = build_argv (pool, 3, 4, 5);

  if (!g_spawn_async_with_pipes_and_fds (NULL, (const char * const *) argv->pdata, envp,
                                         G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
                                         (g_getenv ("WHATIF_SANDBOX_DEBUG") ? 0 : G_SPAWN_STDERR_TO_DEV_NULL),
                                         NULL, NULL, -1, -1, -1,
                                         source_fds, target_fds, 3, &pid,
                                         NULL, NULL, NULL, &error))
    {
      g_autofree char *msg = g_strdup_printf (_("Could not start bubblewrap (%s): %s"),
                                              pool->bwrap, error->message);
      zygote_mark_dead (z, msg);
      goto out;
    }
  close (sv[1]);
  sv[1] = -1;
  close (outer_bpf);
  outer_bpf = -1;
  close (job_bpf);
  job_bpf = -1;

  g_mutex_lock (&pool->lock);
  z->pid = pid;
  z->ctrl = sv[0];
  sv[0] = -1;
  g_mutex_unlock (&pool->lock);

  if (!wait_ready (z, &error))
    {
      kill (pid, SIGKILL);
      zygote_mark_dead (z, error->message);
    }
  else
    {
      g_mutex_lock (&pool->lock);
      z->ready = TRUE;
      g_cond_broadcast (&pool->cond);
      g_mutex_unlock (&pool->lock);
    }

  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  zygote_mark_dead (z, _("The sandbox stopped"));

out:
  if (sv[0] >= 0)
    close (sv[0]);
  if (sv[1] >= 0)
    close (sv[1]);
  if (outer_bpf >= 0)
    close (outer_bpf);
  if (job_bpf >= 0)
    close (job_bpf);
  zygote_unref (z);
  return NULL;
}

/* Called with the lock held. */
static Zygote *
start_zygote_locked (WfZygotePool *pool)
{
  Zygote *z;

  /* Join the threads of zygotes that are gone, so a long session does not
   * collect them. A dead zygote's thread has nothing left to do but return. */
  for (guint i = 0; i < pool->all->len; )
    {
      Zygote *old = g_ptr_array_index (pool->all, i);

      if (old->dead && old != pool->current)
        {
          g_ptr_array_remove_index_fast (pool->all, i);
          g_thread_join (old->thread);
          zygote_unref (old);
        }
      else
        i++;
    }

  z = g_new0 (Zygote, 1);
  z->ref = 2;                 /* the pool's and the thread's */
  z->ctrl = -1;
  z->pool = pool;
  pool->n_started++;
  g_ptr_array_add (pool->all, z);
  z->thread = g_thread_new ("wf-zygote", zygote_thread, z);
  return z;
}

/* Called with the lock held: a retired zygote with no job left is told to go. */
static void
maybe_close_locked (Zygote *z)
{
  if ((z->retired || z->dead) && z->active == 0 && !z->closed && z->ctrl >= 0)
    {
      z->closed = TRUE;
      shutdown (z->ctrl, SHUT_RDWR);
    }
}

WfZygotePool *
wf_zygote_pool_new (const WfZygoteConfig *config)
{
  WfZygotePool *pool;

  g_return_val_if_fail (config != NULL, NULL);

  pool = g_new0 (WfZygotePool, 1);
  g_mutex_init (&pool->lock);
  g_cond_init (&pool->cond);
  pool->bwrap = g_strdup (config->bwrap ? config->bwrap : WF_BWRAP_PATH);
  pool->python = g_strdup (config->python ? config->python : WF_SANDBOX_PYTHON);
  pool->runner_dir = g_strdup (config->runner_dir ? config->runner_dir : wf_sandbox_get_runner_dir ());
  pool->max_concurrent = config->max_concurrent > 0 ? config->max_concurrent : 2;
  pool->max_jobs = config->max_jobs > 0 ? config->max_jobs : 200;
  pool->workbook_path = g_strdup (config->workbook_path);
  pool->workbook_writable = config->workbook_writable;
  pool->import_path = g_strdup (config->import_path);
  pool->all = g_ptr_array_new ();
  return pool;
}

void
wf_zygote_pool_free (WfZygotePool *pool)
{
  if (pool == NULL)
    return;

  g_mutex_lock (&pool->lock);
  for (guint i = 0; i < pool->all->len; i++)
    {
      Zygote *z = g_ptr_array_index (pool->all, i);

      z->retired = TRUE;
      if (z->ctrl >= 0 && !z->closed)
        {
          z->closed = TRUE;
          shutdown (z->ctrl, SHUT_RDWR);
        }
      if (z->pid > 0 && !z->dead)
        kill (z->pid, SIGKILL);
    }
  g_mutex_unlock (&pool->lock);

  /* The threads end once their bwrap has been reaped. A zygote still starting
   * has no pid yet: wait for it to be ready or dead, then kill it. */
  for (guint i = 0; i < pool->all->len; i++)
    {
      Zygote *z = g_ptr_array_index (pool->all, i);

      g_mutex_lock (&pool->lock);
      while (!z->ready && !z->dead)
        g_cond_wait (&pool->cond, &pool->lock);
      if (!z->dead && z->pid > 0)
        kill (z->pid, SIGKILL);
      g_mutex_unlock (&pool->lock);
      g_thread_join (z->thread);
      zygote_unref (z);
    }
  g_ptr_array_unref (pool->all);
  g_free (pool->bwrap);
  g_free (pool->python);
  g_free (pool->runner_dir);
  g_free (pool->workbook_path);
  g_free (pool->import_path);
  g_mutex_clear (&pool->lock);
  g_cond_clear (&pool->cond);
  g_free (pool);
}

/* Called with the lock held. */
static Zygote *
current_locked (WfZygotePool *pool)
{
  Zygote *z = pool->current;

  if (z == NULL || z->dead || z->retired)
    {
      if (z != NULL)
        {
          z->retired = TRUE;
          maybe_close_locked (z);
        }
      pool->current = z = start_zygote_locked (pool);
    }
  return z;
}

void
wf_zygote_pool_warm_up (WfZygotePool *pool)
{
  g_return_if_fail (pool != NULL);

  g_mutex_lock (&pool->lock);
  current_locked (pool);
  g_mutex_unlock (&pool->lock);
}

GPid
wf_zygote_pool_get_pid (WfZygotePool *pool)
{
  GPid pid = 0;

  g_mutex_lock (&pool->lock);
  if (pool->current && !pool->current->dead)
    pid = pool->current->pid;
  g_mutex_unlock (&pool->lock);
  return pid;
}

guint
wf_zygote_pool_get_n_started (WfZygotePool *pool)
{
  guint n;

  g_mutex_lock (&pool->lock);
  n = pool->n_started;
  g_mutex_unlock (&pool->lock);
  return n;
}

/* Job ids go into hand-built JSON: keep them to a safe alphabet. */
static char *
safe_id (const char *id)
{
  return g_strcanon (g_strdup (id ? id : ""),
                     "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", '_');
}

static gboolean
send_job (Zygote      *z,
          const WfJob *job,
          const int    fds[4])
{
  g_autofree char *id = safe_id (job->id);
  g_autofree char *msg = g_strdup_printf ("{\"op\":\"job\",\"id\":\"%s\",\"wall_ms\":%" G_GINT64_FORMAT
                                          ",\"cpu_ms\":%" G_GINT64_FORMAT ",\"table_rows\":%" G_GINT64_FORMAT "}",
                                          id, job->limits.wall_ms, job->limits.cpu_ms,
                                          job->limits.table_rows > 0 ? job->limits.table_rows : 100000);
  struct msghdr mh = { 0 };
  struct iovec iov = { msg, strlen (msg) };
  union
  {
    char buf[CMSG_SPACE (4 * sizeof (int))];
    struct cmsghdr align;
  } u;
  struct cmsghdr *cmsg;
  ssize_t n;

  memset (&u, 0, sizeof u);
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  mh.msg_control = u.buf;
  mh.msg_controllen = sizeof u.buf;
  cmsg = CMSG_FIRSTHDR (&mh);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN (4 * sizeof (int));
  memcpy (CMSG_DATA (cmsg), fds, 4 * sizeof (int));

  do
    n = sendmsg (z->ctrl, &mh, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  return n == (ssize_t) iov.iov_len;
}

static void
send_cancel (Zygote     *z,
             const char *id)
{
  g_autofree char *safe = safe_id (id);
  g_autofree char *msg = g_strdup_printf ("{\"op\":\"cancel\",\"id\":\"%s\"}", safe);

  (void) send (z->ctrl, msg, strlen (msg), MSG_NOSIGNAL | MSG_DONTWAIT);
}

typedef struct
{
  GString  *text;
  gsize     total;
  gboolean  truncated;
} Capture;

static void
capture_add (Capture    *c,
             const char *buf,
             gsize       n,
             gsize       cap)
{
  c->total += n;
  if (c->text->len < cap)
    g_string_append_len (c->text, buf, (gssize) MIN (n, cap - c->text->len));
  if (c->total > cap)
    c->truncated = TRUE;
}

static char *
capture_steal (Capture *c)
{
  char *valid = g_utf8_make_valid (c->text->str, (gssize) c->text->len);

  g_string_free (c->text, TRUE);
  c->text = NULL;
  return valid;
}

static void
add_limit (WfRunResult *result,
           const char  *limit)
{
  for (guint i = 0; i < result->limits_hit->len; i++)
    if (g_str_equal (g_ptr_array_index (result->limits_hit, i), limit))
      return;
  g_ptr_array_add (result->limits_hit, g_strdup (limit));
}

static int
set_nonblock (int fd)
{
  return fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) | O_NONBLOCK);
}

/* Runs JOB on Z. Returns NULL with ERROR only when the zygote could not be
 * reached at all (the caller may retry on a fresh one). */
static WfRunResult *
run_on (Zygote                 *z,
        const WfJob            *job,
        WfSandboxProgressFunc   progress,
        gpointer                progress_data,
        GCancellable           *cancellable,
        gboolean               *retry,
        GError                **error)
{
  g_autoptr(WfRunResult) result = wf_run_result_new ();
  g_autoptr(WfRunnerParser) parser = NULL;
  g_autoptr(GError) proto_error = NULL;
  g_autofree char *job_text = wf_runner_job_to_json (job);
  int p_job[2] = { -1, -1 }, p_out[2] = { -1, -1 }, p_err[2] = { -1, -1 }, p_proto[2] = { -1, -1 };
  int child_fds[4];
  gsize job_off = 0, job_len = strlen (job_text);
  gsize cap = job->limits.output_bytes > 0 ? (gsize) job->limits.output_bytes : 1024 * 1024;
  gsize kill_after = MAX (cap * OUTPUT_KILL_FACTOR, (gsize) 16 * 1024 * 1024);
  Capture out = { g_string_new (NULL), 0, FALSE }, err = { g_string_new (NULL), 0, FALSE };
  gint64 deadline;
  gboolean cancel_sent = FALSE, output_killed = FALSE, backstop = FALSE;
  gboolean cancelled = FALSE;
  GPollFD cancel_pfd = { -1, 0, 0 };
  gboolean have_cancel_fd = FALSE;
  char *buf = g_malloc (65536);

  *retry = FALSE;
  result->backend = g_strdup ("bwrap");
  parser = wf_runner_parser_new (result, job->limits.table_rows, progress, progress_data);

  /* The job goes through a socket, not a pipe: send () with MSG_NOSIGNAL
   * cannot raise SIGPIPE in the app if the job process is already gone. */
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p_job) < 0 || !g_unix_open_pipe (p_out, FD_CLOEXEC, NULL) ||
      !g_unix_open_pipe (p_err, FD_CLOEXEC, NULL) || !g_unix_open_pipe (p_proto, FD_CLOEXEC, NULL))
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_SPAWN,
                   _("Could not create pipes for the sandbox: %s"), g_strerror (errno));
      goto fail;
    }
  child_fds[0] = p_job[0];
  child_fds[1] = p_out[1];
  child_fds[2] = p_err[1];
  child_fds[3] = p_proto[1];
  if (!send_job (z, job, child_fds))
    {
      *retry = TRUE;
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_SPAWN,
                   _("The sandbox stopped before the job could be sent: %s"), g_strerror (errno));
      goto fail;
    }
  for (int i = 0; i < 4; i++)
    close (child_fds[i]);
  p_job[0] = p_out[1] = p_err[1] = p_proto[1] = -1;
  set_nonblock (p_job[1]);

  if (cancellable != NULL && g_cancellable_make_pollfd (cancellable, &cancel_pfd))
    have_cancel_fd = TRUE;

  deadline = g_get_monotonic_time () + (MAX (job->limits.wall_ms, 1) + BACKSTOP_MS) * 1000;
  while (p_out[0] >= 0 || p_err[0] >= 0 || p_proto[0] >= 0)
    {
      struct pollfd pfds[5];
      int idx_out = -1, idx_err = -1, idx_proto = -1, idx_job = -1, idx_cancel = -1;
      nfds_t n = 0;
      gint64 now = g_get_monotonic_time ();
      int timeout_ms, r;

      if (now >= deadline)
        {
          /* The zygote did not end the job: kill the whole sandbox. */
          backstop = TRUE;
          g_mutex_lock (&z->pool->lock);
          if (!z->dead && z->pid > 0)
            kill (z->pid, SIGKILL);
          z->retired = TRUE;
          g_mutex_unlock (&z->pool->lock);
          break;
        }
      timeout_ms = (int) MIN ((deadline - now) / 1000 + 1, G_MAXINT);

#define WATCH(f_, ev, idx) if ((f_) >= 0) { pfds[n].fd = (f_); pfds[n].events = (ev); pfds[n].revents = 0; idx = (int) n++; }
      WATCH (p_out[0], POLLIN, idx_out);
      WATCH (p_err[0], POLLIN, idx_err);
      WATCH (p_proto[0], POLLIN, idx_proto);
      WATCH (p_job[1], POLLOUT, idx_job);
      if (have_cancel_fd && !cancel_sent)
        WATCH (cancel_pfd.fd, POLLIN, idx_cancel);
#undef WATCH

      r = poll (pfds, n, timeout_ms);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        break;

      if (idx_job >= 0 && pfds[idx_job].revents)
        {
          ssize_t w = send (p_job[1], job_text + job_off, job_len - job_off, MSG_NOSIGNAL | MSG_DONTWAIT);

          if (w > 0)
            job_off += (gsize) w;
          if ((w < 0 && errno != EAGAIN && errno != EINTR) || job_off >= job_len)
            {
              shutdown (p_job[1], SHUT_WR);
              close (p_job[1]);
              p_job[1] = -1;
            }
        }
      if (idx_cancel >= 0 && pfds[idx_cancel].revents)
        {
          cancelled = TRUE;
          cancel_sent = TRUE;
          send_cancel (z, job->id);
        }
      if (idx_out >= 0 && pfds[idx_out].revents)
        {
          ssize_t got = read (p_out[0], buf, 65536);

          if (got > 0)
            capture_add (&out, buf, (gsize) got, cap);
          else if (got == 0 || (errno != EINTR && errno != EAGAIN))
            {
              close (p_out[0]);
              p_out[0] = -1;
            }
        }
      if (idx_err >= 0 && pfds[idx_err].revents)
        {
          ssize_t got = read (p_err[0], buf, 65536);

          if (got > 0)
            capture_add (&err, buf, (gsize) got, cap);
          else if (got == 0 || (errno != EINTR && errno != EAGAIN))
            {
              close (p_err[0]);
              p_err[0] = -1;
            }
        }
      if (idx_proto >= 0 && pfds[idx_proto].revents)
        {
          ssize_t got = read (p_proto[0], buf, 65536);

          if (got > 0)
            {
              if (proto_error == NULL)
                wf_runner_parser_feed (parser, buf, (gsize) got, &proto_error);
            }
          else if (got == 0 || (errno != EINTR && errno != EAGAIN))
            {
              close (p_proto[0]);
              p_proto[0] = -1;
            }
        }
      /* Still printing far past the cap: stop it rather than drain forever. */
      if (!cancel_sent && out.total + err.total > kill_after)
        {
          output_killed = TRUE;
          cancel_sent = TRUE;
          send_cancel (z, job->id);
        }
    }

  if (have_cancel_fd)
    g_cancellable_release_fd (cancellable);

  g_free (result->stdout_text);
  result->stdout_text = capture_steal (&out);
  g_free (result->stderr_text);
  result->stderr_text = capture_steal (&err);
  result->stdout_truncated = out.truncated;
  result->stderr_truncated = err.truncated;

  if (backstop)
    {
      result->status = WF_RUN_STATUS_TIMEOUT;
      add_limit (result, "wall");
      result->wall_ms = job->limits.wall_ms;
      g_free (result->error_message);
      result->error_message = g_strdup (_("The sandbox did not end the job in time and was killed"));
    }
  else if (proto_error == NULL && !wf_runner_parser_finish (parser, &proto_error))
    {
      /* No done: the zygote itself went away. */
      g_mutex_lock (&z->pool->lock);
      z->retired = TRUE;
      g_mutex_unlock (&z->pool->lock);
      result->status = WF_RUN_STATUS_KILLED;
      g_free (result->error_message);
      result->error_message = g_strdup (_("The sandbox stopped unexpectedly"));
    }
  else if (proto_error != NULL)
    {
      /* Only the job itself can have written garbage on its own channel: it
       * spoils its own result and nothing else. */
      g_ptr_array_set_size (result->tables, 0);
      g_ptr_array_set_size (result->metrics, 0);
      g_ptr_array_set_size (result->charts, 0);
      g_ptr_array_set_size (result->params, 0);
      result->status = WF_RUN_STATUS_ERROR;
      g_free (result->error_message);
      result->error_message = g_strdup_printf (_("The program’s results could not be read: %s"),
                                               proto_error->message);
    }

  if (out.truncated || err.truncated)
    add_limit (result, "output");
  if (output_killed)
    {
      result->status = WF_RUN_STATUS_KILLED;
      g_free (result->error_message);
      result->error_message = g_strdup (_("The program printed far more than the output limit and was stopped"));
    }
  else if (cancelled)
    {
      result->status = WF_RUN_STATUS_KILLED;
      g_free (result->error_message);
      result->error_message = g_strdup (_("The run was cancelled"));
    }

  g_free (buf);
  for (int i = 0; i < 2; i++)
    {
      if (p_job[i] >= 0) close (p_job[i]);
      if (p_out[i] >= 0) close (p_out[i]);
      if (p_err[i] >= 0) close (p_err[i]);
      if (p_proto[i] >= 0) close (p_proto[i]);
    }
  return g_steal_pointer (&result);

fail:
  g_free (buf);
  if (out.text)
    g_string_free (out.text, TRUE);
  if (err.text)
    g_string_free (err.text, TRUE);
  for (int i = 0; i < 2; i++)
    {
      if (p_job[i] >= 0) close (p_job[i]);
      if (p_out[i] >= 0) close (p_out[i]);
      if (p_err[i] >= 0) close (p_err[i]);
      if (p_proto[i] >= 0) close (p_proto[i]);
    }
  return NULL;
}

WfRunResult *
wf_zygote_pool_run (WfZygotePool           *pool,
                    const WfJob            *job,
                    WfSandboxProgressFunc   progress,
                    gpointer                progress_data,
                    GCancellable           *cancellable,
                    GError                **error)
{
  WfRunResult *result = NULL;

  g_return_val_if_fail (pool != NULL, NULL);
  g_return_val_if_fail (job != NULL, NULL);

  g_mutex_lock (&pool->lock);
  while (pool->running >= pool->max_concurrent)
    g_cond_wait (&pool->cond, &pool->lock);
  pool->running++;
  g_mutex_unlock (&pool->lock);

  for (int attempt = 0; attempt < 2 && result == NULL; attempt++)
    {
      g_autoptr(GError) local = NULL;
      gboolean retry = FALSE;
      Zygote *z;

      g_mutex_lock (&pool->lock);
      z = current_locked (pool);
      g_atomic_int_inc (&z->ref);
      z->active++;
      if (++z->n_jobs >= pool->max_jobs)
        z->retired = TRUE;
      while (!z->ready && !z->dead)
        g_cond_wait (&pool->cond, &pool->lock);
      g_mutex_unlock (&pool->lock);

      if (z->dead)
        {
          g_set_error (&local, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_UNAVAILABLE, "%s",
                       z->error ? z->error : _("The sandbox could not be started"));
          retry = z->ready;     /* it died after starting: a new one may work */
        }
      else
        result = run_on (z, job, progress, progress_data, cancellable, &retry, &local);

      g_mutex_lock (&pool->lock);
      z->active--;
      /* A zygote is replaced after a failure or a timeout: the per-job
       * namespaces should have contained it, but a fresh one costs one cold
       * start and removes any doubt. */
      if (result == NULL || result->status == WF_RUN_STATUS_TIMEOUT)
        z->retired = TRUE;
      maybe_close_locked (z);
      g_mutex_unlock (&pool->lock);
      zygote_unref (z);

      if (result == NULL && (!retry || attempt == 1))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          break;
        }
    }

  g_mutex_lock (&pool->lock);
  pool->running--;
  g_cond_broadcast (&pool->cond);
  g_mutex_unlock (&pool->lock);
  return result;
}
