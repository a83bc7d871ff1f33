/* test-sandbox-flatpak.c: the Flatpak backend against a fake portal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A private session bus (GTestDBus) carries a fake org.freedesktop.portal.Flatpak
 * that implements Spawn, SpawnSignal, the SpawnExited signal and the version
 * property, records every call, and runs the command the way the real portal
 * runs a copy of the app's sandbox: under bubblewrap, with /usr read-only, the
 * "app" (the directory holding the runner) read-only, a fresh /tmp, only the
 * exposed files, and no network unless asked. The tests of the backend's own
 * behaviour use tests/data/fake-runner.py (a runner that does what it is told,
 * garbage and silence included); the /sandbox-flatpak/real/ tests run the real
 * whatif_runner.py in its one-shot mode, with the job's seccomp filter, the
 * policy and the rlimits, both selected through the runner-path property.
 */
#include "config.h"

#include <gio/gunixfdlist.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "wf-sandbox-flatpak.h"

static const char portal_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.portal.Flatpak'>"
  "    <property name='version' type='u' access='read'/>"
  "    <method name='Spawn'>"
  "      <arg type='ay' name='cwd_path' direction='in'/>"
  "      <arg type='aay' name='argv' direction='in'/>"
  "      <arg type='a{uh}' name='fds' direction='in'/>"
  "      <arg type='a{ss}' name='envs' direction='in'/>"
  "      <arg type='u' name='flags' direction='in'/>"
  "      <arg type='a{sv}' name='options' direction='in'/>"
  "      <arg type='u' name='pid' direction='out'/>"
  "    </method>"
  "    <method name='SpawnSignal'>"
  "      <arg type='u' name='pid' direction='in'/>"
  "      <arg type='u' name='signal' direction='in'/>"
  "      <arg type='b' name='to_process_group' direction='in'/>"
  "    </method>"
  "    <signal name='SpawnExited'>"
  "      <arg type='u' name='pid'/>"
  "      <arg type='u' name='exit_status'/>"
  "    </signal>"
  "  </interface>"
  "</node>";

typedef struct
{
  GThread         *thread;
  GMainContext    *context;
  GMainLoop       *loop;
  GDBusConnection *connection;
  guint            registration;
  GMutex           mutex;
  GCond            cond;
  gboolean         ready;
  char            *app_dir;
  char            *runner_dir;     /* the real runner's folder, also read-only */
  guint32          version;
  GHashTable      *children;       /* pid → GSubprocess */

  /* What the backend asked for. */
  guint            n_spawns;
  char            *cwd;
  GStrv            argv;
  GStrv            envs;
  guint32          flags;
  gint64           sandbox_flags;  /* -1: not given */
  GPtrArray       *exposed;        /* (element-type utf8) */
  guint            n_signals;
  guint32          last_signal;
} FakePortal;

typedef struct
{
  FakePortal *portal;
  char       *sender;
  guint32     pid;
} Child;

static void
child_exited_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Child *child = user_data;
  GSubprocess *process = G_SUBPROCESS (source);

  g_subprocess_wait_finish (process, result, NULL);
  g_dbus_connection_emit_signal (child->portal->connection, child->sender,
                                 "/org/freedesktop/portal/Flatpak", "org.freedesktop.portal.Flatpak",
                                 "SpawnExited",
                                 g_variant_new ("(uu)", child->pid, (guint32) g_subprocess_get_status (process)),
                                 NULL);
  g_mutex_lock (&child->portal->mutex);
  g_hash_table_remove (child->portal->children, GUINT_TO_POINTER (child->pid));
  g_mutex_unlock (&child->portal->mutex);
  g_free (child->sender);
  g_free (child);
}

static void
handle_spawn (FakePortal            *portal,
              GDBusMethodInvocation *invocation,
              GVariant              *parameters)
{
  GUnixFDList *fd_list = g_dbus_message_get_unix_fd_list (g_dbus_method_invocation_get_message (invocation));
  g_autoptr(GVariant) argv_v = NULL, fds_v = NULL, envs_v = NULL, options = NULL, expose = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) command = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) env = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) exposed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *cwd = NULL;
  GVariantIter iter;
  GVariant *child_v;
  const char *key, *value;
  guint32 target, flags, sandbox_flags;
  gint32 handle;
  Child *child;

  g_variant_get (parameters, "(^ay@aay@a{uh}@a{ss}u@a{sv})", &cwd, &argv_v, &fds_v, &envs_v, &flags, &options);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);

  g_variant_iter_init (&iter, argv_v);
  while ((child_v = g_variant_iter_next_value (&iter)) != NULL)
    {
      g_ptr_array_add (command, g_strdup (g_variant_get_bytestring (child_v)));
      g_variant_unref (child_v);
    }
  g_ptr_array_add (command, NULL);

  g_variant_iter_init (&iter, fds_v);
  while (g_variant_iter_next (&iter, "{uh}", &target, &handle))
    {
      int fd = g_unix_fd_list_get (fd_list, handle, &error);

      g_assert_no_error (error);
      if (target == 0)
        g_subprocess_launcher_take_stdin_fd (launcher, fd);
      else if (target == 1)
        g_subprocess_launcher_take_stdout_fd (launcher, fd);
      else if (target == 2)
        g_subprocess_launcher_take_stderr_fd (launcher, fd);
      else
        g_subprocess_launcher_take_fd (launcher, fd, (int) target);
    }

  g_variant_iter_init (&iter, envs_v);
  while (g_variant_iter_next (&iter, "{&s&s}", &key, &value))
    g_ptr_array_add (env, g_strdup_printf ("%s=%s", key, value));
  g_ptr_array_add (env, NULL);
  /* CLEAR_ENV: the new process sees exactly the given variables. */
  if (flags & WF_FLATPAK_SPAWN_CLEAR_ENV)
    g_subprocess_launcher_set_environ (launcher, (char **) env->pdata);
  else
    for (guint i = 0; i + 1 < env->len; i++)
      {
        g_auto(GStrv) kv = g_strsplit (g_ptr_array_index (env, i), "=", 2);
        g_subprocess_launcher_setenv (launcher, kv[0], kv[1], TRUE);
      }

  expose = g_variant_lookup_value (options, "sandbox-expose-fd-ro", G_VARIANT_TYPE ("ah"));
  if (expose != NULL)
    {
      g_variant_iter_init (&iter, expose);
      while (g_variant_iter_next (&iter, "h", &handle))
        {
          int fd = g_unix_fd_list_get (fd_list, handle, &error);
          g_autofree char *link = g_strdup_printf ("/proc/self/fd/%d", fd);
          g_autofree char *path = g_file_read_link (link, NULL);

          g_assert_no_error (error);
          g_assert_nonnull (path);
          g_ptr_array_add (exposed, g_strdup (path));
          close (fd);
        }
    }

  /* The copy of the app's sandbox: /usr and the app read-only, nothing else
   * of the host but what was exposed. */
  g_ptr_array_add (args, g_strdup ("bwrap"));
  {
    const char *fixed[] = {
      "--unshare-all", "--die-with-parent", "--new-session",
      "--ro-bind", "/usr", "/usr",
      "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
      "--symlink", "usr/bin", "/bin", "--symlink", "usr/sbin", "/sbin",
      "--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache",
      /* Debian reaches libblas through these links (numpy needs it); a
       * Flatpak runtime's /etc has what its own libraries need. */
      "--ro-bind-try", "/etc/alternatives", "/etc/alternatives",
      "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
    };

    for (guint i = 0; i < G_N_ELEMENTS (fixed); i++)
      g_ptr_array_add (args, g_strdup (fixed[i]));
  }
  if ((flags & WF_FLATPAK_SPAWN_NO_NETWORK) == 0)
    g_ptr_array_add (args, g_strdup ("--share-net"));
  g_ptr_array_add (args, g_strdup ("--ro-bind"));
  g_ptr_array_add (args, g_strdup (portal->app_dir));
  g_ptr_array_add (args, g_strdup (portal->app_dir));
  if (portal->runner_dir != NULL)
    {
      g_ptr_array_add (args, g_strdup ("--ro-bind"));
      g_ptr_array_add (args, g_strdup (portal->runner_dir));
      g_ptr_array_add (args, g_strdup (portal->runner_dir));
    }
  for (guint i = 0; i < exposed->len; i++)
    {
      g_ptr_array_add (args, g_strdup ("--ro-bind"));
      g_ptr_array_add (args, g_strdup (g_ptr_array_index (exposed, i)));
      g_ptr_array_add (args, g_strdup (g_ptr_array_index (exposed, i)));
    }
  g_ptr_array_add (args, g_strdup ("--chdir"));
  g_ptr_array_add (args, g_strdup (cwd));
  g_ptr_array_add (args, g_strdup ("--"));
  for (guint i = 0; i + 1 < command->len; i++)
    g_ptr_array_add (args, g_strdup (g_ptr_array_index (command, i)));
  g_ptr_array_add (args, NULL);

  g_mutex_lock (&portal->mutex);
  portal->n_spawns++;
  g_free (portal->cwd);
  portal->cwd = g_strdup (cwd);
  g_strfreev (portal->argv);
  portal->argv = g_strdupv ((char **) command->pdata);
  g_strfreev (portal->envs);
  portal->envs = g_strdupv ((char **) env->pdata);
  portal->flags = flags;
  portal->sandbox_flags = g_variant_lookup (options, "sandbox-flags", "u", &sandbox_flags) ? (gint64) sandbox_flags : -1;
  g_ptr_array_unref (portal->exposed);
  portal->exposed = g_ptr_array_ref (exposed);
  g_mutex_unlock (&portal->mutex);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  if (process == NULL)
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return;
    }

  child = g_new0 (Child, 1);
  child->portal = portal;
  child->sender = g_strdup (g_dbus_method_invocation_get_sender (invocation));
  child->pid = (guint32) g_ascii_strtoull (g_subprocess_get_identifier (process), NULL, 10);
  g_mutex_lock (&portal->mutex);
  g_hash_table_insert (portal->children, GUINT_TO_POINTER (child->pid), g_object_ref (process));
  g_mutex_unlock (&portal->mutex);
  g_subprocess_wait_async (process, NULL, child_exited_cb, child);

  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", child->pid));
}

static void
method_call_cb (GDBusConnection       *connection,
                const char            *sender,
                const char            *path,
                const char            *iface,
                const char            *method,
                GVariant              *parameters,
                GDBusMethodInvocation *invocation,
                gpointer               user_data)
{
  FakePortal *portal = user_data;

  if (g_str_equal (method, "Spawn"))
    handle_spawn (portal, invocation, parameters);
  else if (g_str_equal (method, "SpawnSignal"))
    {
      guint32 pid, sig;
      gboolean group;
      GSubprocess *process;

      g_variant_get (parameters, "(uub)", &pid, &sig, &group);
      g_mutex_lock (&portal->mutex);
      portal->n_signals++;
      portal->last_signal = sig;
      process = g_hash_table_lookup (portal->children, GUINT_TO_POINTER (pid));
      /* Killing bwrap kills the sandbox: --die-with-parent. */
      if (process != NULL)
        g_subprocess_send_signal (process, (int) sig);
      g_mutex_unlock (&portal->mutex);
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else
    g_dbus_method_invocation_return_dbus_error (invocation, "org.freedesktop.DBus.Error.UnknownMethod", method);
}

static GVariant *
get_property_cb (GDBusConnection  *connection,
                 const char       *sender,
                 const char       *path,
                 const char       *iface,
                 const char       *property,
                 GError          **error,
                 gpointer          user_data)
{
  FakePortal *portal = user_data;

  return g_variant_new_uint32 (portal->version);
}

static const GDBusInterfaceVTable vtable = { method_call_cb, get_property_cb, NULL, { 0 } };

static gpointer
portal_thread (gpointer data)
{
  FakePortal *portal = data;
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (portal_xml, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  g_main_context_push_thread_default (portal->context);
  portal->connection = g_dbus_connection_new_for_address_sync (
    g_getenv ("DBUS_SESSION_BUS_ADDRESS"),
    G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
    NULL, NULL, &error);
  g_assert_no_error (error);
  portal->registration = g_dbus_connection_register_object (portal->connection, "/org/freedesktop/portal/Flatpak",
                                                            info->interfaces[0], &vtable, portal, NULL, &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (portal->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "org.freedesktop.portal.Flatpak", 4u),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);

  g_mutex_lock (&portal->mutex);
  portal->ready = TRUE;
  g_cond_signal (&portal->cond);
  g_mutex_unlock (&portal->mutex);

  g_main_loop_run (portal->loop);

  g_dbus_connection_unregister_object (portal->connection, portal->registration);
  g_dbus_connection_close_sync (portal->connection, NULL, NULL);
  g_clear_object (&portal->connection);
  while (g_main_context_iteration (portal->context, FALSE))
    ;
  g_main_context_pop_thread_default (portal->context);

  return NULL;
}

static FakePortal *
fake_portal_start (guint32 version)
{
  FakePortal *portal = g_new0 (FakePortal, 1);

  g_mutex_init (&portal->mutex);
  g_cond_init (&portal->cond);
  portal->version = version;
  portal->sandbox_flags = -1;
  portal->exposed = g_ptr_array_new_with_free_func (g_free);
  portal->children = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  portal->app_dir = g_test_build_filename (G_TEST_DIST, "data", NULL);
  portal->runner_dir = g_strdup (g_getenv ("WHATIF_RUNNER_DIR"));
  portal->context = g_main_context_new ();
  portal->loop = g_main_loop_new (portal->context, FALSE);
  portal->thread = g_thread_new ("fake-portal", portal_thread, portal);

  g_mutex_lock (&portal->mutex);
  while (!portal->ready)
    g_cond_wait (&portal->cond, &portal->mutex);
  g_mutex_unlock (&portal->mutex);

  return portal;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
fake_portal_stop (FakePortal *portal)
{
  GHashTableIter iter;
  gpointer process;

  g_mutex_lock (&portal->mutex);
  g_hash_table_iter_init (&iter, portal->children);
  while (g_hash_table_iter_next (&iter, NULL, &process))
    g_subprocess_force_exit (process);
  g_mutex_unlock (&portal->mutex);

  g_main_context_invoke (portal->context, quit_cb, portal->loop);
  g_thread_join (portal->thread);
  g_main_loop_unref (portal->loop);
  g_main_context_unref (portal->context);
  g_hash_table_unref (portal->children);
  g_ptr_array_unref (portal->exposed);
  g_strfreev (portal->argv);
  g_strfreev (portal->envs);
  g_free (portal->cwd);
  g_free (portal->app_dir);
  g_free (portal->runner_dir);
  g_mutex_clear (&portal->mutex);
  g_cond_clear (&portal->cond);
  g_free (portal);
}

typedef struct
{
  FakePortal *portal;
  WfSandbox  *sandbox;
  char       *tmpdir;
  char       *info_path;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *runner = g_test_build_filename (G_TEST_DIST, "data", "fake-runner.py", NULL);
  const char *python = g_getenv ("WHATIF_SANDBOX_PYTHON");

  fixture->tmpdir = g_dir_make_tmp ("wf-flatpak-XXXXXX", NULL);
  fixture->info_path = g_build_filename (fixture->tmpdir, "flatpak-info", NULL);
  g_assert_true (g_file_set_contents (fixture->info_path, "[Application]\nname=io.github.whatif.WhatIf\n", -1, NULL));
  if (GPOINTER_TO_UINT (data) != 0)
    fixture->portal = fake_portal_start (GPOINTER_TO_UINT (data));
  fixture->sandbox = g_object_new (WF_TYPE_SANDBOX_FLATPAK,
                                   "info-path", fixture->info_path,
                                   "runner-path", runner,
                                   "python", python && *python ? python : "/usr/bin/python3",
                                   NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->tmpdir, 0, NULL);
  const char *name;

  g_clear_object (&fixture->sandbox);
  if (fixture->portal != NULL)
    fake_portal_stop (fixture->portal);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->tmpdir, name, NULL);
      g_chmod (path, 0600);
      g_unlink (path);
    }
  g_rmdir (fixture->tmpdir);
  g_free (fixture->tmpdir);
  g_free (fixture->info_path);
}

static WfRunResult *
run_code (Fixture     *fixture,
          WfJob       *job,
          GError     **error)
{
  return wf_sandbox_run (fixture->sandbox, job, NULL, NULL, NULL, error);
}

static void
test_outside_flatpak (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(WfSandbox) sandbox = g_object_new (WF_TYPE_SANDBOX_FLATPAK, "info-path", "/nonexistent/.flatpak-info", NULL);
  g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, "python", "print(1)");
  g_autoptr(GError) error = NULL;

  g_assert_false (wf_sandbox_is_available (sandbox, &error));
  g_assert_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_UNAVAILABLE);
  g_clear_error (&error);
  g_assert_null (wf_sandbox_run (sandbox, job, NULL, NULL, NULL, &error));
  g_assert_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_UNAVAILABLE);
  g_assert_cmpstr (wf_sandbox_get_name (sandbox), ==, "flatpak");
}

static void
test_no_portal (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, "python", "print(1)");
  g_autoptr(GError) error = NULL;

  g_assert_false (wf_sandbox_is_available (fixture->sandbox, &error));
  g_assert_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "portal"));
  g_clear_error (&error);
  g_assert_null (run_code (fixture, job, &error));
  g_assert_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_UNAVAILABLE);
}

static void
test_run (Fixture       *fixture,
          gconstpointer  data)
{
  g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, "python",
    "import os, whatif as wf\n"
    "rate = wf.param('Rate', 5.0, kind='percent', min=0, max=10)\n"
    "wf.metric('Payment', 99.5, unit='USD')\n"
    "wf.table('t', [[1, 'a'], [2, 'b']], ['n', 's'])\n"
    "print('rate', rate)\n"
    "print('env', ','.join(sorted(os.environ)))\n"
    "print('home', os.path.exists('/home') or os.path.exists('/root'))\n"
    "print('proc1', open('/proc/1/environ', 'rb').read().count(b'FAKE_OPENAI_API_KEY'))\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRunResult) result = NULL;
  g_autofree char *expected_runner = g_test_build_filename (G_TEST_DIST, "data", "fake-runner.py", NULL);
  FakePortal *portal = fixture->portal;
  WfParam *param;

  wf_job_set_override (job, "Rate", 7.25);
  g_assert_true (wf_sandbox_is_available (fixture->sandbox, NULL));
  result = run_code (fixture, job, &error);
  g_assert_no_error (error);
  g_test_message ("stdout: %s\nstderr: %s", result->stdout_text, result->stderr_text);

  g_assert_cmpint (result->status, ==, WF_RUN_STATUS_OK);
  g_assert_cmpint (result->exit_code, ==, 0);
  g_assert_cmpstr (result->backend, ==, "flatpak");
  g_assert_true (g_str_has_prefix (result->stdout_text, "rate 7.25\n"));
  /* Exactly the fixed environment (plus PWD, which bwrap sets): no key,
   * token or session address. */
  g_assert_nonnull (strstr (result->stdout_text,
    "env HOME,LANG,MKL_NUM_THREADS,OMP_NUM_THREADS,OPENBLAS_NUM_THREADS,PATH,PWD,PYTHONDONTWRITEBYTECODE,PYTHONIOENCODING,TMPDIR\n"));
  g_assert_nonnull (strstr (result->stdout_text, "proc1 0\n"));
  g_assert_nonnull (strstr (result->stdout_text, "home False\n"));
  g_assert_cmpuint (result->params->len, ==, 1);
  param = g_ptr_array_index (result->params, 0);
  g_assert_cmpfloat (param->value, ==, 7.25);
  g_assert_cmpuint (result->metrics->len, ==, 1);
  g_assert_cmpuint (result->tables->len, ==, 1);
  g_assert_cmpuint (wf_table_get_n_rows (g_ptr_array_index (result->tables, 0)), ==, 2);
  g_assert_cmpint (result->peak_rss_kb, >, 0);

  /* What the portal was asked for. */
  g_mutex_lock (&portal->mutex);
  g_assert_cmpuint (portal->n_spawns, ==, 1);
  g_assert_cmpuint (portal->flags, ==, WF_FLATPAK_SPAWN_CLEAR_ENV | WF_FLATPAK_SPAWN_SANDBOX |
                                       WF_FLATPAK_SPAWN_NO_NETWORK | WF_FLATPAK_SPAWN_WATCH_BUS);
  g_assert_cmpint (portal->sandbox_flags, ==, 0);
  g_assert_cmpuint (portal->exposed->len, ==, 0);
  g_assert_cmpstr (portal->argv[0], ==, g_getenv ("WHATIF_SANDBOX_PYTHON") ? g_getenv ("WHATIF_SANDBOX_PYTHON") : "/usr/bin/python3");
  g_assert_true (g_strv_contains ((const char * const *) portal->argv, expected_runner));
  g_assert_true (g_strv_contains ((const char * const *) portal->argv, "--protocol-fd"));
  for (guint i = 0; portal->envs[i] != NULL; i++)
    {
      g_assert_false (g_str_has_prefix (portal->envs[i], "FAKE_OPENAI_API_KEY"));
      g_assert_false (g_str_has_prefix (portal->envs[i], "DBUS_SESSION_BUS_ADDRESS"));
      g_assert_false (g_str_has_prefix (portal->envs[i], "E2B_API_KEY"));
    }
  g_mutex_unlock (&portal->mutex);
}

static void
test_exposed_read_only (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *workbook = g_build_filename (fixture->tmpdir, "workbook.db", NULL);
  g_autofree char *secret = g_build_filename (fixture->tmpdir, "not-shared.txt", NULL);
  g_autofree char *code = NULL;
  g_autoptr(WfJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRunResult) result = NULL;
  g_autofree char *contents = NULL;

  g_assert_true (g_file_set_contents (workbook, "workbook-bytes", -1, NULL));
  g_assert_true (g_file_set_contents (secret, "secret", -1, NULL));
  code = g_strdup_printf (
    "print('read', open(JOB['workbook']).read())\n"
    "try:\n    open(JOB['workbook'], 'w').write('x')\n    print('write ok')\n"
    "except OSError as e:\n    print('write denied', e.errno)\n"
    "import os\nprint('other', os.path.exists('%s'))\n", secret);
  job = wf_job_new (WF_JOB_RUN, "python", code);
  job->workbook_path = g_strdup (workbook);

  result = run_code (fixture, job, &error);
  g_assert_no_error (error);
  g_test_message ("stdout: %s\nstderr: %s", result->stdout_text, result->stderr_text);
  g_assert_cmpint (result->status, ==, WF_RUN_STATUS_OK);
  g_assert_nonnull (strstr (result->stdout_text, "read workbook-bytes\n"));
  g_assert_nonnull (strstr (result->stdout_text, "write denied 30\n"));   /* EROFS */
  g_assert_nonnull (strstr (result->stdout_text, "other False\n"));

  g_assert_true (g_file_get_contents (workbook, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "workbook-bytes");
  g_mutex_lock (&fixture->portal->mutex);
  g_assert_cmpuint (fixture->portal->exposed->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->portal->exposed, 0), ==, workbook);
  g_mutex_unlock (&fixture->portal->mutex);
}

static void
test_expose_needs_v3 (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, "python", "print(1)");
  g_autoptr(GError) error = NULL;

  job->workbook_path = g_build_filename (fixture->tmpdir, "wb.db", NULL);
  g_assert_true (g_file_set_contents (job->workbook_path, "x", -1, NULL));
  g_assert_null (run_code (fixture, job, &error));
  g_assert_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "too old"));
  g_assert_cmpuint (fixture->portal->n_spawns, ==, 0);
}

static void
test_expose_refuses_symlink (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, "python", "print(1)");
  g_autoptr(GError) error = NULL;
  g_autofree char *link = g_build_filename (fixture->tmpdir, "link.db", NULL);

  g_assert_cmpint (symlink ("/etc/passwd", link), ==, 0);
  job->workbook_path = g_strdup (link);
  g_assert_null (run_code (fixture, job, &error));
  g_assert_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_SPAWN);
  g_assert_cmpuint (fixture->portal->n_spawns, ==, 0);
}

static void
test_no_network (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, "python",
    "import socket\n"
    "s = socket.socket()\n"
    "s.settimeout(2)\n"
    "try:\n    s.connect(('1.1.1.1', 53))\n    print('connected')\n"
    "except OSError as e:\n    print('no network', type(e).__name__)\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRunResult) result = NULL;

  result = run_code (fixture, job, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (result->stdout_text, "no network"));
}

static void
test_error (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, "python", "print('before')\nraise KeyError('missing')\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRunResult) result = NULL;

  result = run_code (fixture, job, &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->status, ==, WF_RUN_STATUS_ERROR);
  g_assert_cmpint (result->exit_code, ==, 1);
  g_assert_cmpstr (result->error_message, ==, "KeyError: 'missing'");
  g_assert_cmpstr (result->stdout_text, ==, "before\n");
  g_assert_nonnull (strstr (result->stderr_text, "Traceback"));
}

static void
test_memory_limit (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, "python", "x = bytearray(2 * 1024 ** 3)\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRunResult) result = NULL;

  /* The portal sets no limits: the runner's own setrlimit must hold. */
  job->limits.memory_bytes = 512 * 1024 * 1024;
  result = run_code (fixture, job, &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->status, ==, WF_RUN_STATUS_ERROR);
  g_assert_true (g_str_has_prefix (result->error_message, "MemoryError"));
}

static void
test_timeout (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, "python", "import time\nprint('start', flush=True)\ntime.sleep(3600)\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRunResult) result = NULL;

  job->limits.wall_ms = 1000;
  result = run_code (fixture, job, &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->status, ==, WF_RUN_STATUS_TIMEOUT);
  g_assert_cmpstr (result->stdout_text, ==, "start\n");
  g_assert_true (g_ptr_array_find_with_equal_func (result->limits_hit, "wall", g_str_equal, NULL));
  g_assert_cmpint (result->wall_ms, <, 1000 + 1000 + 3000);
  g_assert_cmpuint (fixture->portal->n_signals, ==, 1);
  g_assert_cmpuint (fixture->portal->last_signal, ==, SIGKILL);
}

static gpointer
cancel_later (gpointer data)
{
  g_usleep (700 * G_TIME_SPAN_MILLISECOND);
  g_cancellable_cancel (data);
  return NULL;
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, "python", "while True: pass\n");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  GThread *thread = g_thread_new ("cancel", cancel_later, cancellable);

  g_assert_null (wf_sandbox_run (fixture->sandbox, job, NULL, NULL, cancellable, &error));
  g_thread_join (thread);
  g_assert_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_CANCELLED);
  g_assert_cmpuint (fixture->portal->n_signals, ==, 1);
}

static void
test_protocol_garbage (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, "python", "import os\nos.write(3, b'this is not json\\n')\n");
  g_autoptr(GError) error = NULL;

  g_assert_null (run_code (fixture, job, &error));
  g_assert_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_PROTOCOL);
}

static void
test_runner_silent_exit (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, "python", "import os\nos._exit(0)\n");
  g_autoptr(GError) error = NULL;

  /* Exit 0 without "done" is not success. */
  g_assert_null (run_code (fixture, job, &error));
  g_assert_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_PROTOCOL);
}

static void
test_big_job_and_output_cap (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GString) code = g_string_new ("import sys\n");
  g_autoptr(WfJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRunResult) result = NULL;

  /* A job larger than a pipe buffer goes in whole; output past the cap is cut. */
  for (guint i = 0; i < 5000; i++)
    g_string_append_printf (code, "v%u = %u  # padding padding padding padding\n", i, i);
  g_string_append (code, "sys.stdout.write('y' * 500000)\nprint(v4999)\n");
  job = wf_job_new (WF_JOB_RUN, "python", code->str);
  job->limits.output_bytes = 4096;

  result = run_code (fixture, job, &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->status, ==, WF_RUN_STATUS_OK);
  g_assert_cmpuint (strlen (result->stdout_text), ==, 4096);
  g_assert_true (result->stdout_truncated);
}

static void
test_runner_dies_early (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *runner = g_test_build_filename (G_TEST_DIST, "data", "fake-runner-exit.py", NULL);
  g_autoptr(GString) code = g_string_new (NULL);
  g_autoptr(WfJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRunResult) result = NULL;

  /* A job far larger than any socket buffer, and a runner that never reads
   * it: writing must stop cleanly (no SIGPIPE for us) and the exit code must
   * say what happened. */
  while (code->len < 4 * 1024 * 1024)
    g_string_append (code, "# padding padding padding padding padding padding padding\n");
  job = wf_job_new (WF_JOB_RUN, "python", code->str);
  g_object_set (fixture->sandbox, "runner-path", runner, NULL);

  result = run_code (fixture, job, &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->status, ==, WF_RUN_STATUS_ERROR);
  g_assert_cmpint (result->exit_code, ==, 3);
  g_assert_nonnull (strstr (result->error_message, "exit code 3"));
}

/* ---- the real runner (one-shot mode) through the portal ---- */

static gboolean
use_real_runner (Fixture *fixture)
{
  const char *dir = g_getenv ("WHATIF_RUNNER_DIR");
  g_autofree char *runner = NULL;

  if (dir == NULL || *dir == '\0')
    {
      g_test_skip ("WHATIF_RUNNER_DIR is not set");
      return FALSE;
    }
  runner = g_build_filename (dir, "whatif_runner.py", NULL);
  g_object_set (fixture->sandbox, "runner-path", runner, NULL);
  return TRUE;
}

/* Runs JOB on the real runner; NULL (the test skipped) where there is none. */
static WfRunResult *
run_real (Fixture *fixture,
          WfJob   *job)
{
  g_autoptr(GError) error = NULL;
  WfRunResult *result;

  if (!use_real_runner (fixture))
    return NULL;
  result = run_code (fixture, job, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_test_message ("status %d\nstdout: %s\nstderr: %s\nerror: %s", result->status, result->stdout_text,
                  result->stderr_text, result->error_message);
  return result;
}

static void
test_real_pandas (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, "python",
    "import pandas as pd\n"
    "import numpy_financial as npf\n"
    "import whatif as wf\n"
    "rate = wf.param('Rate', 5.0, kind='percent', min=0, max=10)\n"
    "months = wf.param('Months', 3, kind='months', min=1, max=12)\n"
    "pay = -npf.pmt(rate / 100 / 12, months, 1000)\n"
    "df = pd.DataFrame({'month': range(1, months + 1), 'payment': [round(pay, 2)] * months})\n"
    "wf.table('schedule', df)\n"
    "wf.metric('Payment', pay, unit='USD')\n"
    "print('rate', rate)\n"
    "print('réservé €')\n");
  g_autoptr(WfRunResult) result = NULL;
  FakePortal *portal = fixture->portal;
  WfTable *table;
  WfMetric *metric;
  WfParam *param;

  wf_job_set_override (job, "Rate", 7.25);
  result = run_real (fixture, job);
  if (result == NULL)
    return;

  g_assert_cmpint (result->status, ==, WF_RUN_STATUS_OK);
  g_assert_cmpint (result->exit_code, ==, 0);
  g_assert_cmpstr (result->stdout_text, ==, "rate 7.25\nréservé €\n");
  g_assert_cmpuint (result->params->len, ==, 2);
  param = g_ptr_array_index (result->params, 0);
  g_assert_cmpstr (param->label, ==, "Rate");
  g_assert_cmpfloat (param->value, ==, 7.25);
  g_assert_cmpuint (result->tables->len, ==, 1);
  table = g_ptr_array_index (result->tables, 0);
  g_assert_cmpstr (table->name, ==, "schedule");
  g_assert_cmpuint (table->columns->len, ==, 2);
  g_assert_cmpuint (wf_table_get_n_rows (table), ==, 3);
  g_assert_cmpuint (result->metrics->len, ==, 1);
  metric = g_ptr_array_index (result->metrics, 0);
  g_assert_cmpstr (metric->name, ==, "Payment");
  /* 1000 over 3 months at 7.25 % a year: r·P / (1 − (1 + r)^−3), r = 0.0725 / 12. */
  g_assert_cmpfloat_with_epsilon (metric->value, 337.37, 0.01);
  g_assert_cmpint (result->wall_ms, >, 0);
  g_assert_cmpint (result->peak_rss_kb, >, 0);
  g_assert_cmpuint (result->limits_hit->len, ==, 0);

  g_mutex_lock (&portal->mutex);
  g_assert_true (g_strv_contains ((const char * const *) portal->argv, "--protocol-fd"));
  g_assert_true (g_strv_contains ((const char * const *) portal->argv, "--seccomp-fd"));
  g_mutex_unlock (&portal->mutex);
}

static void
test_real_timeout (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, "python", "print('start', flush=True)\nwhile True:\n    pass\n");
  g_autoptr(WfRunResult) result = NULL;

  job->limits.wall_ms = 3000;
  result = run_real (fixture, job);
  if (result == NULL)
    return;
  g_assert_cmpint (result->status, ==, WF_RUN_STATUS_TIMEOUT);
  g_assert_cmpstr (result->stdout_text, ==, "start\n");
  g_assert_true (g_ptr_array_find_with_equal_func (result->limits_hit, "wall", g_str_equal, NULL));
  g_assert_cmpint (result->wall_ms, >=, 3000);
  g_assert_cmpint (result->wall_ms, <, 3000 + 1000);
  /* The runner ended its job itself and said so: the backend's backstop
   * (wall + 1 s) never had to kill the sandbox. */
  g_assert_cmpuint (fixture->portal->n_signals, ==, 0);
}

static void
test_real_cpu_limit (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, "python", "n = 0\nwhile True:\n    n += 1\n");
  g_autoptr(WfRunResult) result = NULL;

  /* The CPU limit is an rlimit of the job process; the runner tells it
   * from a wall timeout. */
  job->limits.cpu_ms = 1000;
  job->limits.wall_ms = 20000;
  result = run_real (fixture, job);
  if (result == NULL)
    return;
  g_assert_cmpint (result->status, ==, WF_RUN_STATUS_TIMEOUT);
  g_assert_true (g_ptr_array_find_with_equal_func (result->limits_hit, "cpu", g_str_equal, NULL));
  g_assert_false (g_ptr_array_find_with_equal_func (result->limits_hit, "wall", g_str_equal, NULL));
  g_assert_cmpint (result->cpu_ms, >=, 900);
  g_assert_cmpint (result->wall_ms, <, 20000);
}

static void
test_real_kill_runner (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, "python",
    "import os, signal, time\n"
    "print('killing', flush=True)\n"
    "os.kill(os.getppid(), signal.SIGKILL)\n"
    "time.sleep(60)\n");
  g_autoptr(WfRunResult) result = NULL;

  /* Without namespaces a job can signal the runner that watches it (same
   * uid, same pid namespace). The worst that does is fail the run: the job
   * dies with it (PDEATHSIG), the backend sees the exit without a done and
   * says so, long before the job's own sleep or wall limit. */
  job->policy = FALSE;
  job->limits.wall_ms = 20000;
  result = run_real (fixture, job);
  if (result == NULL)
    return;
  g_assert_cmpint (result->status, !=, WF_RUN_STATUS_OK);
  g_assert_cmpint (result->status, !=, WF_RUN_STATUS_TIMEOUT);
  g_assert_cmpstr (result->stdout_text, ==, "killing\n");
  g_assert_nonnull (result->error_message);
  g_assert_cmpint (result->wall_ms, <, 10000);
}

static void
test_real_policy_blocked (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, "python",
    "import os\nprint('should not run')\nos.system('id')\n");
  g_autoptr(WfRunResult) result = NULL;

  g_assert_true (job->policy);
  result = run_real (fixture, job);
  if (result == NULL)
    return;
  g_assert_cmpint (result->status, ==, WF_RUN_STATUS_BLOCKED);
  g_assert_cmpstr (result->stdout_text, ==, "");
  g_assert_nonnull (result->verdict_json);
  g_assert_nonnull (strstr (result->verdict_json, "\"block\""));
  g_assert_nonnull (result->error_message);
}

static void
test_real_runtime_blocked (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, "python",
    "import pandas as pd\n"
    "pd.DataFrame({'a': [1]}).to_csv('ok.csv', index=False)\n"
    "print('wrote in the work dir')\n"
    "target = '/'.join(['', 'etc', 'x.csv'])\n"
    "pd.DataFrame({'a': [1]}).to_csv(target, index=False)\n");
  g_autoptr(WfRunResult) result = NULL;

  /* The audit hook knows the one-shot work dir (not the zygote's /job):
   * a file there is fine, one elsewhere (a path the static check cannot
   * see) ends the job as blocked. */
  result = run_real (fixture, job);
  if (result == NULL)
    return;
  g_assert_cmpint (result->status, ==, WF_RUN_STATUS_BLOCKED);
  g_assert_cmpstr (result->stdout_text, ==, "wrote in the work dir\n");
}

static void
test_real_error_and_csv (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, "python",
    "import csv\n"
    "with open('left.csv', 'w', newline='') as f:\n"
    "    csv.writer(f).writerows([['year', 'value'], [2025, 1.5], [2026, 2.5]])\n"
    "print('before')\n"
    "raise KeyError('missing')\n");
  g_autoptr(WfRunResult) result = NULL;

  result = run_real (fixture, job);
  if (result == NULL)
    return;
  g_assert_cmpint (result->status, ==, WF_RUN_STATUS_ERROR);
  g_assert_cmpint (result->exit_code, ==, 1);
  g_assert_cmpstr (result->error_message, ==, "KeyError: 'missing'");
  g_assert_cmpstr (result->stdout_text, ==, "before\n");
  g_assert_nonnull (strstr (result->stderr_text, "Traceback"));
  g_assert_null (strstr (result->stderr_text, "whatif_runner.py"));
  /* A CSV left in the work dir is collected, as from a zygote's job. */
  g_assert_cmpuint (result->tables->len, ==, 1);
  g_assert_cmpstr (((WfTable *) g_ptr_array_index (result->tables, 0))->name, ==, "left.csv");
  g_assert_cmpuint (wf_table_get_n_rows (g_ptr_array_index (result->tables, 0)), ==, 2);
}

static void
test_real_seccomp (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, "python",
    "import os, subprocess\n"
    "try:\n    pid = os.fork()\n    if pid == 0:\n        os._exit(0)\n    print('forked')\n"
    "except OSError as e:\n    print('fork denied')\n"
    "try:\n    subprocess.run(['/usr/bin/true'])\n    print('exec ran')\n"
    "except OSError as e:\n    print('exec denied')\n"
    "x = bytearray(2 * 1024 ** 3)\n");
  g_autoptr(WfRunResult) result = NULL;

  /* With the policy off (whatif-cli run --unchecked), the job process's own
   * seccomp filter and rlimits still hold. */
  job->policy = FALSE;
  job->limits.memory_bytes = 512 * 1024 * 1024;
  result = run_real (fixture, job);
  if (result == NULL)
    return;
  g_assert_cmpstr (result->stdout_text, ==, "fork denied\nexec denied\n");
  g_assert_cmpint (result->status, ==, WF_RUN_STATUS_ERROR);
  g_assert_true (g_str_has_prefix (result->error_message, "MemoryError"));
  g_assert_true (g_ptr_array_find_with_equal_func (result->limits_hit, "memory", g_str_equal, NULL));
}

static void
add (const char *path,
     guint       portal_version,
     void      (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, GUINT_TO_POINTER (portal_version), fixture_setup, func, fixture_teardown);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GTestDBus) bus = NULL;
  int ret;

  /* Planted in our own environment: the job must never see it. */
  g_setenv ("FAKE_OPENAI_API_KEY", "sk-should-not-leak", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  if (!g_file_test ("/usr/bin/bwrap", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("bubblewrap is not installed");
      return g_test_run ();
    }

  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);

  add ("/sandbox-flatpak/outside-flatpak", 0, test_outside_flatpak);
  add ("/sandbox-flatpak/no-portal", 0, test_no_portal);
  add ("/sandbox-flatpak/run", 6, test_run);
  add ("/sandbox-flatpak/exposed-read-only", 6, test_exposed_read_only);
  add ("/sandbox-flatpak/expose-needs-v3", 2, test_expose_needs_v3);
  add ("/sandbox-flatpak/expose-refuses-symlink", 6, test_expose_refuses_symlink);
  add ("/sandbox-flatpak/no-network", 6, test_no_network);
  add ("/sandbox-flatpak/error", 6, test_error);
  add ("/sandbox-flatpak/memory-limit", 6, test_memory_limit);
  add ("/sandbox-flatpak/timeout", 6, test_timeout);
  add ("/sandbox-flatpak/cancel", 6, test_cancel);
  add ("/sandbox-flatpak/protocol-garbage", 6, test_protocol_garbage);
  add ("/sandbox-flatpak/runner-silent-exit", 6, test_runner_silent_exit);
  add ("/sandbox-flatpak/big-job-output-cap", 6, test_big_job_and_output_cap);
  add ("/sandbox-flatpak/runner-dies-early", 6, test_runner_dies_early);
  add ("/sandbox-flatpak/real/pandas-table-metric", 6, test_real_pandas);
  add ("/sandbox-flatpak/real/timeout", 6, test_real_timeout);
  add ("/sandbox-flatpak/real/cpu-limit", 6, test_real_cpu_limit);
  add ("/sandbox-flatpak/real/kill-runner", 6, test_real_kill_runner);
  add ("/sandbox-flatpak/real/policy-blocked", 6, test_real_policy_blocked);
  add ("/sandbox-flatpak/real/runtime-blocked", 6, test_real_runtime_blocked);
  add ("/sandbox-flatpak/real/error-and-csv", 6, test_real_error_and_csv);
  add ("/sandbox-flatpak/real/seccomp-and-rlimits", 6, test_real_seccomp);

  ret = g_test_run ();
  g_test_dbus_down (bus);

  return ret;
}
