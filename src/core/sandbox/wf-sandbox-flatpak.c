/* wf-sandbox-flatpak.c: the runner in a Flatpak sub-sandbox (portal Spawn)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Inside a Flatpak, bubblewrap cannot create namespaces (Flatpak's seccomp
 * filter and --disable-userns; sandbox-notes §1.3). The supported route is
 * the portal's Spawn method, which starts a copy of the app's own sandbox,
 * optionally tighter. We ask for the tightest: SANDBOX (no extra permissions,
 * no session/system/a11y bus, no document portal), NO_NETWORK, CLEAR_ENV with
 * a small fixed environment, WATCH_BUS (the job dies when the app leaves the
 * bus), and sandbox-flags 0 (no display, sound, GPU, D-Bus or a11y).
 *
 * D-Bus API used (flatpak/flatpak data/org.freedesktop.portal.Flatpak.xml,
 * object /org/freedesktop/portal/Flatpak, interface
 * org.freedesktop.portal.Flatpak):
 *   Spawn (ay cwd_path, aay argv, a{uh} fds, a{ss} envs, u flags, a{sv} options) → u pid
 *   SpawnSignal (u pid, u signal, b to_process_group)
 *   signal SpawnExited (u pid, u exit_status)   exit_status as from waitpid(2)
 *   property version (u)
 * Options: "sandbox-expose-ro" (as) only takes names inside
 * ~/.var/app/$APP_ID/sandbox, so files elsewhere (the workbook, a CSV being
 * imported) are exposed with "sandbox-expose-fd-ro" (ah: O_PATH descriptors,
 * portal version ≥ 3, as flatpak-spawn's --sandbox-expose-path-ro does in
 * flatpak-xdg-utils src/flatpak-spawn.c). "sandbox-flags" (u) is the
 * FLATPAK_SPAWN_SANDBOX_FLAGS_* set (share display, sound, GPU, D-Bus, a11y).
 *
 * The runner and Python are in /app and /usr, which every copy of the app's
 * sandbox has. The job goes in on fd 0 as one JSON line; results come back on
 * fd 3; stdout and stderr are fds 1 and 2; fd 4 holds the job's seccomp
 * filter (whatif_runner.py --protocol-fd 3 --seccomp-fd 4, its one-shot mode).
 * The portal has no resource limits, so the runner lowers its own (setrlimit)
 * from the job's limits before it runs any code and ends the job at its wall
 * limit; we keep a wall-clock backstop and the output caps here.
 */
#define _GNU_SOURCE   /* O_PATH */
#define G_LOG_DOMAIN "wf-sandbox-flatpak"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixfdlist.h>
#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wf-sandbox-flatpak.h"
#include "wf-result-collector.h"
#include "wf-seccomp.h"

#define PORTAL_BUS_NAME  "org.freedesktop.portal.Flatpak"
#define PORTAL_PATH      "/org/freedesktop/portal/Flatpak"
#define PORTAL_IFACE     "org.freedesktop.portal.Flatpak"
#define PROTOCOL_FD      3
#define SECCOMP_FD       4       /* the job process's filter (WF_SECCOMP_JOB) */
#define READ_CHUNK       (64 * 1024)
#define KILL_GRACE_MS    5000    /* after SIGKILL, how long SpawnExited may take */
#define EOF_GRACE_MS     2000    /* after exit, how long the pipes may stay open */
#define WALL_GRACE_MS    1000    /* the runner reports its own timeout first */

struct _WfSandboxFlatpak
{
  GObject  parent_instance;

  char    *info_path;
  char    *runner_path;
  char    *python;
};

static void wf_sandbox_flatpak_iface_init (WfSandboxInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (WfSandboxFlatpak, wf_sandbox_flatpak, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (WF_TYPE_SANDBOX, wf_sandbox_flatpak_iface_init))

enum {
  PROP_0,
  PROP_INFO_PATH,
  PROP_RUNNER_PATH,
  PROP_PYTHON,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The whole environment of the job: nothing of the app's (keys, tokens,
 * session addresses) can reach it. */
static const char * const job_environment[][2] = {
  { "PATH", "/app/bin:/usr/bin" },
  { "LANG", "C.UTF-8" },
  { "HOME", "/tmp" },
  { "TMPDIR", "/tmp" },
  { "PYTHONDONTWRITEBYTECODE", "1" },
  { "PYTHONIOENCODING", "utf-8" },
  { "OMP_NUM_THREADS", "1" },
  { "OPENBLAS_NUM_THREADS", "1" },
  { "MKL_NUM_THREADS", "1" },
};

gboolean
wf_sandbox_flatpak_is_inside (void)
{
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
}

/* ---- the job as one JSON line ---- */

static const char *
job_kind_to_string (WfJobKind kind)
{
  switch (kind)
    {
    case WF_JOB_CHECK:
      return "check";
    case WF_JOB_IMPORT:
      return "import";
    case WF_JOB_SWEEP:
      return "sweep";
    case WF_JOB_RUN:
    default:
      return "run";
    }
}

static char *
job_to_line (const WfJob *job)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  GHashTableIter iter;
  gpointer key, value;
  char *json;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, job->id);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, job_kind_to_string (job->kind));
  json_builder_set_member_name (builder, "language");
  json_builder_add_string_value (builder, job->language);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, job->code);
  json_builder_set_member_name (builder, "policy");
  json_builder_add_boolean_value (builder, job->policy);

  json_builder_set_member_name (builder, "limits");
  json_builder_begin_object (builder);
#define ADD_LIMIT(name) \
  json_builder_set_member_name (builder, #name); \
  json_builder_add_int_value (builder, job->limits.name)
  ADD_LIMIT (wall_ms);
  ADD_LIMIT (cpu_ms);
  ADD_LIMIT (memory_bytes);
  ADD_LIMIT (open_files);
  ADD_LIMIT (file_size_bytes);
  ADD_LIMIT (output_bytes);
  ADD_LIMIT (table_rows);
  ADD_LIMIT (tmpfs_bytes);
  ADD_LIMIT (tmpfs_inodes);
#undef ADD_LIMIT
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "overrides");
  json_builder_begin_object (builder);
  if (job->overrides != NULL)
    {
      g_hash_table_iter_init (&iter, job->overrides);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          json_builder_set_member_name (builder, key);
          wf_json_add_double (builder, *(double *) value);
        }
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "workbook");
  if (job->workbook_path != NULL)
    json_builder_add_string_value (builder, job->workbook_path);
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "datasets");
  json_builder_begin_array (builder);
  for (guint i = 0; job->datasets != NULL && i < job->datasets->len; i++)
    {
      WfDataset *dataset = g_ptr_array_index (job->datasets, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, dataset->name ? dataset->name : "");
      json_builder_set_member_name (builder, "table_name");
      json_builder_add_string_value (builder, dataset->table_name ? dataset->table_name : "");
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "import");
  if (job->import_path != NULL)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, job->import_path);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, job->import_name ? job->import_name : "");
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);

  if (job->sweep_json != NULL)
    {
      JsonNode *sweep = json_from_string (job->sweep_json, NULL);

      json_builder_set_member_name (builder, "sweep");
      if (sweep != NULL)
        json_builder_add_value (builder, sweep);
      else
        json_builder_add_null_value (builder);
    }

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);

  return json;
}

/* ---- one run ---- */

typedef struct
{
  int      fd;
  GSource *source;
  gboolean eof;
} Pipe;

typedef struct
{
  WfSandboxFlatpak  *self;
  const WfJob       *job;
  GMainContext      *context;
  GDBusConnection   *bus;
  WfResultCollector *collector;

  guint32            pid;
  gboolean           spawned;
  gboolean           exited;
  guint32            wait_status;
  GHashTable        *early_exits;    /* pid → status, for signals before Spawn returned */

  Pipe               out;
  Pipe               err;
  Pipe               proto;

  int                stdin_fd;
  GSource           *stdin_source;
  char              *job_line;
  gsize              job_len;
  gsize              job_written;

  gboolean           timed_out;
  gboolean           cancelled;
  gboolean           killed;
  gint64             kill_deadline;
  gint64             exit_time;
  GError            *protocol_error;
  gint64             start;
} Run;

static void
kill_job (Run *run)
{
  if (!run->spawned || run->exited || run->killed)
    return;

  run->killed = TRUE;
  run->kill_deadline = g_get_monotonic_time () + KILL_GRACE_MS * G_TIME_SPAN_MILLISECOND;
  g_dbus_connection_call (run->bus, PORTAL_BUS_NAME, PORTAL_PATH, PORTAL_IFACE, "SpawnSignal",
                          g_variant_new ("(uub)", run->pid, (guint32) SIGKILL, TRUE),
                          NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL, NULL);
}

static void
spawn_exited_cb (GDBusConnection *connection,
                 const char      *sender,
                 const char      *path,
                 const char      *iface,
                 const char      *signal,
                 GVariant        *parameters,
                 gpointer         user_data)
{
  Run *run = user_data;
  guint32 pid, status;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(uu)")))
    return;

  g_variant_get (parameters, "(uu)", &pid, &status);
  if (run->early_exits == NULL)
    return;
  if (!run->spawned)
    {
      g_hash_table_insert (run->early_exits, GUINT_TO_POINTER (pid), GUINT_TO_POINTER (status));
      return;
    }
  if (pid != run->pid || run->exited)
    return;

  run->exited = TRUE;
  run->wait_status = status;
  run->exit_time = g_get_monotonic_time ();
}

static void
fail_protocol (Run    *run,
               GError *error)
{
  if (run->protocol_error == NULL)
    run->protocol_error = error;
  else
    g_error_free (error);
  kill_job (run);
}

static void
feed_protocol (Run        *run,
               const char *data,
               gsize       len)
{
  GError *error = NULL;

  if (run->protocol_error == NULL && !wf_result_collector_feed (run->collector, data, len, &error))
    fail_protocol (run, error);
}

static gboolean
pipe_ready_cb (int          fd,
               GIOCondition condition,
               gpointer     user_data)
{
  Run *run = user_data;
  char buffer[READ_CHUNK];
  gssize n;
  Pipe *pipe = fd == run->out.fd ? &run->out : fd == run->err.fd ? &run->err : &run->proto;

  n = read (fd, buffer, sizeof buffer);
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return G_SOURCE_CONTINUE;

  if (n <= 0)
    {
      pipe->eof = TRUE;
      return G_SOURCE_REMOVE;
    }

  /* Keep draining past the caps, so the job never blocks on a full pipe. */
  if (pipe == &run->out)
    wf_result_collector_add_stdout (run->collector, buffer, (gsize) n);
  else if (pipe == &run->err)
    wf_result_collector_add_stderr (run->collector, buffer, (gsize) n);
  else
    feed_protocol (run, buffer, (gsize) n);

  return G_SOURCE_CONTINUE;
}

static gboolean
stdin_ready_cb (int          fd,
                GIOCondition condition,
                gpointer     user_data)
{
  Run *run = user_data;
  gssize n;

  if ((condition & (G_IO_ERR | G_IO_HUP)) == 0)
    {
      /* MSG_NOSIGNAL: a job that closed its stdin early must not kill the
       * app with SIGPIPE. That is why stdin is a socket, not a pipe. */
      n = send (fd, run->job_line + run->job_written, run->job_len - run->job_written, MSG_NOSIGNAL);
      if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return G_SOURCE_CONTINUE;
      if (n > 0)
        run->job_written += (gsize) n;
      if (n > 0 && run->job_written < run->job_len)
        return G_SOURCE_CONTINUE;
    }

  /* Written, or the job closed its stdin: either way we are done with it. */
  close (run->stdin_fd);
  run->stdin_fd = -1;
  return G_SOURCE_REMOVE;
}

static gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
wall_cb (gpointer user_data)
{
  Run *run = user_data;

  run->timed_out = TRUE;
  kill_job (run);
  return G_SOURCE_REMOVE;
}

static gboolean
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  Run *run = user_data;

  run->cancelled = TRUE;
  kill_job (run);
  return G_SOURCE_REMOVE;
}

static gboolean
make_pipe (int      fds[2],
           GError **error)
{
  if (!g_unix_open_pipe (fds, FD_CLOEXEC, error))
    return FALSE;

  return TRUE;
}

static gboolean
make_stdin_socket (int      fds[2],
                   GError **error)
{
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    {
      int saved = errno;

      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_SPAWN,
                   _("Cannot create the job’s input channel: %s"), g_strerror (saved));
      return FALSE;
    }

  /* One direction only: the job reads, we write. */
  shutdown (fds[0], SHUT_WR);
  shutdown (fds[1], SHUT_RD);
  return TRUE;
}

static void
close_fd (int *fd)
{
  if (*fd >= 0)
    {
      close (*fd);
      *fd = -1;
    }
}

static void
run_clear (Run *run)
{
  GSource **sources[] = { &run->out.source, &run->err.source, &run->proto.source, &run->stdin_source };

  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    if (*sources[i] != NULL)
      {
        g_source_destroy (*sources[i]);
        g_clear_pointer (sources[i], g_source_unref);
      }
  close_fd (&run->out.fd);
  close_fd (&run->err.fd);
  close_fd (&run->proto.fd);
  close_fd (&run->stdin_fd);
  g_clear_pointer (&run->early_exits, g_hash_table_unref);
  g_clear_pointer (&run->job_line, g_free);
  g_clear_pointer (&run->collector, wf_result_collector_free);
  g_clear_error (&run->protocol_error);
  g_clear_object (&run->bus);
}

static void
set_portal_error (GError  *local_error,
                  GError **error)
{
  g_autofree char *remote = g_dbus_error_get_remote_error (local_error);

  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_CANCELLED, _("The run was cancelled"));
  else if (remote != NULL && (g_str_equal (remote, "org.freedesktop.DBus.Error.ServiceUnknown") ||
                              g_str_equal (remote, "org.freedesktop.DBus.Error.NameHasNoOwner") ||
                              g_str_equal (remote, "org.freedesktop.DBus.Error.UnknownMethod")))
    g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_UNAVAILABLE,
                 _("The Flatpak portal (org.freedesktop.portal.Flatpak) is not available, so models "
                   "cannot run in a sub-sandbox. Update Flatpak to 1.6 or later on the host."));
  else
    {
      g_dbus_error_strip_remote_error (local_error);
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_SPAWN,
                   _("The Flatpak portal could not start the sandbox: %s"), local_error->message);
    }
}

static guint32
get_portal_version (GDBusConnection  *bus,
                    GCancellable     *cancellable,
                    GError          **error)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GError) local_error = NULL;

  reply = g_dbus_connection_call_sync (bus, PORTAL_BUS_NAME, PORTAL_PATH,
                                       "org.freedesktop.DBus.Properties", "Get",
                                       g_variant_new ("(ss)", PORTAL_IFACE, "version"),
                                       G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE,
                                       10000, cancellable, &local_error);
  if (reply == NULL)
    {
      set_portal_error (local_error, error);
      return 0;
    }

  g_variant_get (reply, "(v)", &value);
  if (!g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32))
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_UNAVAILABLE,
                   _("The Flatpak portal reports no usable version"));
      return 0;
    }

  return g_variant_get_uint32 (value);
}

static gboolean
add_exposed_path (GUnixFDList      *fd_list,
                  GVariantBuilder  *handles,
                  const char       *path,
                  GError          **error)
{
  struct stat st;
  int fd;
  int handle;

  /* O_NOFOLLOW: the portal refuses symlinks, and so do we. */
  fd = open (path, O_PATH | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_SPAWN,
                   _("Cannot share “%s” with the sandbox: %s"), path, g_strerror (saved));
      return FALSE;
    }

  /* With O_PATH, O_NOFOLLOW opens a symlink itself instead of failing:
   * look at what we got. Only plain files and directories are shared. */
  if (fstat (fd, &st) != 0 || !(S_ISREG (st.st_mode) || S_ISDIR (st.st_mode)))
    {
      close (fd);
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_SPAWN,
                   _("Cannot share “%s” with the sandbox: it is not a plain file or folder"), path);
      return FALSE;
    }

  handle = g_unix_fd_list_append (fd_list, fd, error);
  close (fd);
  if (handle < 0)
    return FALSE;

  g_variant_builder_add (handles, "h", handle);
  return TRUE;
}

static WfRunResult *
wf_sandbox_flatpak_run (WfSandbox              *sandbox,
                        const WfJob            *job,
                        WfSandboxProgressFunc   progress,
                        gpointer                progress_data,
                        GCancellable           *cancellable,
                        GError                **error)
{
  WfSandboxFlatpak *self = WF_SANDBOX_FLATPAK (sandbox);
  g_autoptr(GMainContext) context = NULL;
  g_autoptr(GUnixFDList) fd_list = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GSource) wall = NULL;
  g_autoptr(GSource) tick = NULL;
  g_autoptr(GSource) cancel_source = NULL;
  g_autofree char *fd_arg = NULL;
  g_autofree char *seccomp_arg = NULL;
  g_autoptr(GError) seccomp_error = NULL;
  int seccomp_fd = -1;
  GVariantBuilder argv_builder, fds_builder, env_builder, options_builder, handles;
  WfRunResult *result = NULL;
  Run run = { 0 };
  int in_pipe[2] = { -1, -1 }, out_pipe[2] = { -1, -1 }, err_pipe[2] = { -1, -1 }, proto_pipe[2] = { -1, -1 };
  guint subscription = 0;
  gboolean exposing = FALSE;
  guint32 version;
  const char *paths[2];

  if (!g_file_test (self->info_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_UNAVAILABLE,
                   _("The Flatpak sandbox works only when What If runs as a Flatpak"));
      return NULL;
    }

  run.self = self;
  run.job = job;
  run.out.fd = run.err.fd = run.proto.fd = run.stdin_fd = -1;
  run.early_exits = g_hash_table_new (NULL, NULL);
  run.collector = wf_result_collector_new (&job->limits, "flatpak");
  wf_result_collector_set_progress (run.collector, progress, progress_data);
  run.job_line = job_to_line (job);
  run.job_len = strlen (run.job_line) + 1;
  run.job_line[run.job_len - 1] = '\n';

  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  run.context = context;

  run.bus = g_bus_get_sync (G_BUS_TYPE_SESSION, cancellable, &local_error);
  if (run.bus == NULL)
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_UNAVAILABLE,
                   _("Cannot reach the session bus to start the Flatpak sandbox: %s"), local_error->message);
      goto out;
    }

  paths[0] = job->workbook_path;
  paths[1] = job->import_path;
  exposing = paths[0] != NULL || paths[1] != NULL;

  version = get_portal_version (run.bus, cancellable, error);
  if (version == 0)
    goto out;
  if (exposing && version < 3)
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_UNAVAILABLE,
                   _("The Flatpak portal is too old (version %u) to share files with a sub-sandbox. "
                     "Update Flatpak to 1.6 or later on the host."), version);
      goto out;
    }

  if (!make_stdin_socket (in_pipe, error) || !make_pipe (out_pipe, error) ||
      !make_pipe (err_pipe, error) || !make_pipe (proto_pipe, error))
    goto out;

  /* The same filter a zygote's job process loads (no fork, no exec, no
   * namespaces, …): the portal's sandbox has Flatpak's own filter only. The
   * runner refuses to run code without it. */
  seccomp_fd = wf_seccomp_export (WF_SECCOMP_JOB, &seccomp_error);
  if (seccomp_fd < 0)
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_UNAVAILABLE,
                   _("Cannot prepare the system call filter for the sandbox: %s"), seccomp_error->message);
      goto out;
    }

  fd_list = g_unix_fd_list_new ();
  g_variant_builder_init (&fds_builder, G_VARIANT_TYPE ("a{uh}"));
  {
    int child_fds[5] = { in_pipe[0], out_pipe[1], err_pipe[1], proto_pipe[1], seccomp_fd };

    for (guint i = 0; i < G_N_ELEMENTS (child_fds); i++)
      {
        int handle = g_unix_fd_list_append (fd_list, child_fds[i], error);

        if (handle < 0)
          goto out;
        g_variant_builder_add (&fds_builder, "{uh}", (guint32) i, handle);
      }
  }

  fd_arg = g_strdup_printf ("%d", PROTOCOL_FD);
  g_variant_builder_init (&argv_builder, G_VARIANT_TYPE ("aay"));
  g_variant_builder_add (&argv_builder, "@ay", g_variant_new_bytestring (self->python));
  g_variant_builder_add (&argv_builder, "@ay", g_variant_new_bytestring ("-s"));
  g_variant_builder_add (&argv_builder, "@ay", g_variant_new_bytestring ("-B"));
  g_variant_builder_add (&argv_builder, "@ay", g_variant_new_bytestring (self->runner_path));
  g_variant_builder_add (&argv_builder, "@ay", g_variant_new_bytestring ("--protocol-fd"));
  g_variant_builder_add (&argv_builder, "@ay", g_variant_new_bytestring (fd_arg));
  seccomp_arg = g_strdup_printf ("%d", SECCOMP_FD);
  g_variant_builder_add (&argv_builder, "@ay", g_variant_new_bytestring ("--seccomp-fd"));
  g_variant_builder_add (&argv_builder, "@ay", g_variant_new_bytestring (seccomp_arg));

  g_variant_builder_init (&env_builder, G_VARIANT_TYPE ("a{ss}"));
  for (guint i = 0; i < G_N_ELEMENTS (job_environment); i++)
    g_variant_builder_add (&env_builder, "{ss}", job_environment[i][0], job_environment[i][1]);

  g_variant_builder_init (&options_builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options_builder, "{sv}", "sandbox-flags", g_variant_new_uint32 (0));
  if (exposing)
    {
      g_variant_builder_init (&handles, G_VARIANT_TYPE ("ah"));
      for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
        if (paths[i] != NULL && !add_exposed_path (fd_list, &handles, paths[i], error))
          {
            g_variant_builder_clear (&handles);
            g_variant_builder_clear (&argv_builder);
            g_variant_builder_clear (&fds_builder);
            g_variant_builder_clear (&env_builder);
            g_variant_builder_clear (&options_builder);
            goto out;
          }
      g_variant_builder_add (&options_builder, "{sv}", "sandbox-expose-fd-ro", g_variant_builder_end (&handles));
    }

  /* Subscribed before Spawn, so an exit that is quicker than the reply is
   * not lost. */
  subscription = g_dbus_connection_signal_subscribe (run.bus, PORTAL_BUS_NAME, PORTAL_IFACE, "SpawnExited",
                                                     PORTAL_PATH, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                                     spawn_exited_cb, &run, NULL);

  run.start = g_get_monotonic_time ();
  reply = g_dbus_connection_call_with_unix_fd_list_sync (
    run.bus, PORTAL_BUS_NAME, PORTAL_PATH, PORTAL_IFACE, "Spawn",
    g_variant_new ("(^ay@aay@a{uh}@a{ss}u@a{sv})", "/",
                   g_variant_builder_end (&argv_builder),
                   g_variant_builder_end (&fds_builder),
                   g_variant_builder_end (&env_builder),
                   (guint32) (WF_FLATPAK_SPAWN_CLEAR_ENV | WF_FLATPAK_SPAWN_SANDBOX |
                              WF_FLATPAK_SPAWN_NO_NETWORK | WF_FLATPAK_SPAWN_WATCH_BUS),
                   g_variant_builder_end (&options_builder)),
    G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, 30000, fd_list, NULL, cancellable, &local_error);

  /* The child has its own copies now (or never will): ours must go, or the
   * pipes never reach end-of-file. */
  close_fd (&in_pipe[0]);
  close_fd (&out_pipe[1]);
  close_fd (&err_pipe[1]);
  close_fd (&proto_pipe[1]);
  close_fd (&seccomp_fd);
  g_clear_object (&fd_list);

  if (reply == NULL)
    {
      set_portal_error (local_error, error);
      goto out;
    }

  g_variant_get (reply, "(u)", &run.pid);
  run.spawned = TRUE;
  if (g_hash_table_contains (run.early_exits, GUINT_TO_POINTER (run.pid)))
    {
      run.exited = TRUE;
      run.wait_status = GPOINTER_TO_UINT (g_hash_table_lookup (run.early_exits, GUINT_TO_POINTER (run.pid)));
      run.exit_time = g_get_monotonic_time ();
    }

  if (progress != NULL)
    progress (_("Running the code in the Flatpak sandbox"), -1.0, progress_data);

  run.out.fd = g_steal_fd (&out_pipe[0]);
  run.err.fd = g_steal_fd (&err_pipe[0]);
  run.proto.fd = g_steal_fd (&proto_pipe[0]);
  run.stdin_fd = g_steal_fd (&in_pipe[1]);
  g_unix_set_fd_nonblocking (run.out.fd, TRUE, NULL);
  g_unix_set_fd_nonblocking (run.err.fd, TRUE, NULL);
  g_unix_set_fd_nonblocking (run.proto.fd, TRUE, NULL);
  g_unix_set_fd_nonblocking (run.stdin_fd, TRUE, NULL);

  {
    GIOCondition in = G_IO_IN | G_IO_HUP | G_IO_ERR;
    Pipe *pipes[] = { &run.out, &run.err, &run.proto };

    for (guint i = 0; i < G_N_ELEMENTS (pipes); i++)
      {
        pipes[i]->source = g_unix_fd_source_new (pipes[i]->fd, in);
        g_source_set_callback (pipes[i]->source, (GSourceFunc) (void (*) (void)) pipe_ready_cb, &run, NULL);
        g_source_attach (pipes[i]->source, context);
      }
    run.stdin_source = g_unix_fd_source_new (run.stdin_fd, G_IO_OUT | G_IO_HUP | G_IO_ERR);
    g_source_set_callback (run.stdin_source, (GSourceFunc) (void (*) (void)) stdin_ready_cb, &run, NULL);
    g_source_attach (run.stdin_source, context);
  }

  /* Wakes the loop up regularly so the deadlines below are checked. */
  tick = g_timeout_source_new (100);
  g_source_set_callback (tick, tick_cb, NULL, NULL);
  g_source_attach (tick, context);

  wall = g_timeout_source_new ((guint) CLAMP (job->limits.wall_ms + WALL_GRACE_MS, 1, G_MAXUINT));
  g_source_set_callback (wall, wall_cb, &run, NULL);
  g_source_attach (wall, context);
  if (cancellable != NULL)
    {
      cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (cancel_source, (GSourceFunc) (void (*) (void)) cancelled_cb, &run, NULL);
      g_source_attach (cancel_source, context);
    }

  for (;;)
    {
      gint64 now = g_get_monotonic_time ();
      gboolean drained = run.out.eof && run.err.eof && run.proto.eof;

      if (run.exited && drained)
        break;
      /* Something outside the job still holds a pipe: stop waiting for it. */
      if (run.exited && now - run.exit_time > EOF_GRACE_MS * G_TIME_SPAN_MILLISECOND)
        break;
      if (run.killed && !run.exited && now > run.kill_deadline)
        {
          g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_SPAWN,
                       _("The Flatpak sandbox did not stop after it was killed"));
          goto out;
        }
      g_main_context_iteration (context, TRUE);
    }

  if (run.cancelled)
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_CANCELLED, _("The run was cancelled"));
      goto out;
    }

  if (run.protocol_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&run.protocol_error));
      goto out;
    }

  /* A message cut off by our own kill is no fault of the runner's. */
  if (!run.timed_out && !wf_result_collector_end (run.collector, error))
    goto out;

  {
    WfRunResult *r = wf_result_collector_peek_result (run.collector);
    int status = (int) run.wait_status;
    gint64 wall_ms = (g_get_monotonic_time () - run.start) / 1000;

    if (run.timed_out)
      {
        r->status = WF_RUN_STATUS_TIMEOUT;
        r->exit_code = -1;
        g_free (r->error_message);
        r->error_message = g_strdup_printf (_("The program ran longer than its limit of %.1f seconds"),
                                            job->limits.wall_ms / 1000.0);
        wf_result_collector_add_limit_hit (run.collector, "wall");
      }
    else if (wf_result_collector_has_done (run.collector))
      {
        /* The runner's own report wins: it knows which limit it hit. */
      }
    else if (WIFSIGNALED (status))
      {
        r->status = WF_RUN_STATUS_KILLED;
        r->exit_code = 128 + WTERMSIG (status);
        if (r->error_message == NULL)
          r->error_message = g_strdup_printf (_("The program was killed by signal %d"), WTERMSIG (status));
      }
    else if (WIFEXITED (status) && WEXITSTATUS (status) != 0)
      {
        r->status = WF_RUN_STATUS_ERROR;
        r->exit_code = WEXITSTATUS (status);
        if (r->error_message == NULL)
          r->error_message = g_strdup_printf (_("The runner stopped with exit code %d before reporting"),
                                              WEXITSTATUS (status));
      }
    else
      {
        g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_PROTOCOL,
                     _("The runner ended without its final report"));
        goto out;
      }

    if (r->wall_ms == 0)
      r->wall_ms = wall_ms;
  }

  result = wf_result_collector_finish (run.collector);

out:
  if (wall != NULL)
    g_source_destroy (wall);
  if (tick != NULL)
    g_source_destroy (tick);
  if (cancel_source != NULL)
    g_source_destroy (cancel_source);
  if (run.spawned && !run.exited)
    kill_job (&run);
  if (subscription != 0)
    g_dbus_connection_signal_unsubscribe (run.bus, subscription);
  close_fd (&in_pipe[0]);
  close_fd (&in_pipe[1]);
  close_fd (&out_pipe[0]);
  close_fd (&out_pipe[1]);
  close_fd (&err_pipe[0]);
  close_fd (&err_pipe[1]);
  close_fd (&proto_pipe[0]);
  close_fd (&proto_pipe[1]);
  close_fd (&seccomp_fd);
  /* Dispatch what is still queued (a late SpawnExited) while the run is
   * still whole. */
  while (g_main_context_iteration (context, FALSE))
    ;
  run_clear (&run);
  g_main_context_pop_thread_default (context);

  return result;
}

static const char *
wf_sandbox_flatpak_get_name (WfSandbox *sandbox)
{
  return "flatpak";
}

static gboolean
wf_sandbox_flatpak_is_available (WfSandbox  *sandbox,
                                 GError    **error)
{
  WfSandboxFlatpak *self = WF_SANDBOX_FLATPAK (sandbox);
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!g_file_test (self->info_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_UNAVAILABLE,
                   _("The Flatpak sandbox works only when What If runs as a Flatpak"));
      return FALSE;
    }

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &local_error);
  if (bus == NULL)
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_UNAVAILABLE,
                   _("Cannot reach the session bus to start the Flatpak sandbox: %s"), local_error->message);
      return FALSE;
    }

  return get_portal_version (bus, NULL, error) > 0;
}

static void
wf_sandbox_flatpak_iface_init (WfSandboxInterface *iface)
{
  iface->get_name = wf_sandbox_flatpak_get_name;
  iface->is_available = wf_sandbox_flatpak_is_available;
  iface->run = wf_sandbox_flatpak_run;
}

static void
wf_sandbox_flatpak_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  WfSandboxFlatpak *self = WF_SANDBOX_FLATPAK (object);
  const char *s = NULL;

  switch (prop_id)
    {
    case PROP_INFO_PATH:
      s = g_value_get_string (value);
      g_free (self->info_path);
      self->info_path = g_strdup (s ? s : "/.flatpak-info");
      break;

    case PROP_RUNNER_PATH:
      s = g_value_get_string (value);
      if (s == NULL)
        s = g_getenv ("WHATIF_FLATPAK_RUNNER");
      g_free (self->runner_path);
      if (s != NULL && *s != '\0')
        self->runner_path = g_strdup (s);
      else
        self->runner_path = g_build_filename (wf_sandbox_get_runner_dir (), "whatif_runner.py", NULL);
      break;

    case PROP_PYTHON:
      s = g_value_get_string (value);
      g_free (self->python);
      self->python = g_strdup (s ? s : WF_SANDBOX_PYTHON);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wf_sandbox_flatpak_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  WfSandboxFlatpak *self = WF_SANDBOX_FLATPAK (object);

  switch (prop_id)
    {
    case PROP_INFO_PATH:
      g_value_set_string (value, self->info_path);
      break;

    case PROP_RUNNER_PATH:
      g_value_set_string (value, self->runner_path);
      break;

    case PROP_PYTHON:
      g_value_set_string (value, self->python);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wf_sandbox_flatpak_finalize (GObject *object)
{
  WfSandboxFlatpak *self = WF_SANDBOX_FLATPAK (object);

  g_free (self->info_path);
  g_free (self->runner_path);
  g_free (self->python);

  G_OBJECT_CLASS (wf_sandbox_flatpak_parent_class)->finalize (object);
}

static void
wf_sandbox_flatpak_class_init (WfSandboxFlatpakClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->set_property = wf_sandbox_flatpak_set_property;
  object_class->get_property = wf_sandbox_flatpak_get_property;
  object_class->finalize = wf_sandbox_flatpak_finalize;

  properties[PROP_INFO_PATH] =
    g_param_spec_string ("info-path", "Info path", "File whose presence means we run inside a Flatpak",
                         NULL, G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNER_PATH] =
    g_param_spec_string ("runner-path", "Runner path", "The runner script started in the sub-sandbox",
                         NULL, G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  properties[PROP_PYTHON] =
    g_param_spec_string ("python", "Python", "The Python interpreter of the runtime",
                         NULL, G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
wf_sandbox_flatpak_init (WfSandboxFlatpak *self)
{
}

WfSandbox *
wf_sandbox_flatpak_new (void)
{
  return g_object_new (WF_TYPE_SANDBOX_FLATPAK, NULL);
}
