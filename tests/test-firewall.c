/* test-firewall.c: the run-time policy and the firewall through the sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The audit-hook cases (tests/data/firewall/python/runtime-*.py) run with the
 * static check off: only install_audit_hook() stands between them and what
 * they try. They run under bubblewrap, never on the host.
 *
 *  /firewall/runtime/hook        whatif_policy.install_audit_hook in a plain
 *                                bwrap line (no network, fresh /tmp), so the
 *                                policy module is tested on its own;
 *  /firewall/runtime/honest      honest corpus programs still run under it;
 *  /firewall/sandbox/check-job   WF_JOB_CHECK through the default backend;
 *  /firewall/sandbox/runner-hook the runner's own wiring of the hook;
 *  /firewall/cli                 whatif-cli check, when the CLI is built.
 */
#include "config.h"

#include <string.h>
#include <sys/wait.h>
#include <glib/gstdio.h>

#include "wf-firewall.h"
#include "wf-sandbox.h"

static const char *
get_python (void)
{
  const char *python = g_getenv ("WHATIF_SANDBOX_PYTHON");

  return python && *python ? python : WF_SANDBOX_PYTHON;
}

static char *
corpus_file (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "firewall", "python", name, NULL);
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static GPtrArray *
list_corpus (const char *prefix)
{
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, "data", "firewall", "python", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, prefix) && g_str_has_suffix (name, ".py"))
      g_ptr_array_add (files, g_build_filename (dir_path, name, NULL));
  g_ptr_array_sort (files, compare_paths);

  return files;
}

/* Compiles the case as "<model>", installs the hook with the static check
 * off (and the guarded builtins when the case asks with "# guard: builtins"),
 * runs it and prints a last line "@@ RAN", "@@ BLOCKED <event>" or
 * "@@ ERROR <type> …" after whatever the program printed. */
static const char harness[] =
  "import sys\n"
  "sys.path.insert(0, '/runner')\n"
  "import whatif_policy as w\n"
  "src = open('/case.py', encoding='utf-8').read()\n"
  "code = compile(src, '<model>', 'exec', dont_inherit=True)\n"
  "events = []\n"
  "w.install_audit_hook(w.load_policy(), '/job', events.append, allowed_code=code)\n"
  "env = {'__name__': '__main__'}\n"
  "if '# guard: builtins' in src:\n"
  "    env['__builtins__'] = w.guarded_builtins(w.load_policy(), events.append)\n"
  "try:\n"
  "    exec(code, env)\n"
  "    print('\\n@@ RAN', flush=True)\n"
  "except w.PolicyViolation as e:\n"
  "    print('\\n@@ BLOCKED', events[0] if events else e, flush=True)\n"
  "except BaseException as e:\n"
  "    print('\\n@@ ERROR', type(e).__name__, e, events, flush=True)\n";

/* The harness's result line, or "" when there is none (the child died). */
static const char *
result_of (const char *out)
{
  const char *marker = out ? g_strrstr (out, "\n@@ ") : NULL;

  return marker ? marker + 4 : "";
}

static gboolean
run_in_bwrap (const char  *case_path,
              char       **out_stdout,
              GError     **error)
{
  g_autofree char *workdir = g_dir_make_tmp ("wf-firewall-XXXXXX", error);
  g_autofree char *err = NULL;
  int status = 0;
  gboolean ok;
  const char *argv[] = {
    WF_BWRAP_PATH,
    "--ro-bind", "/usr", "/usr",
    "--symlink", "usr/lib", "/lib",
    "--symlink", "usr/lib64", "/lib64",
    "--symlink", "usr/bin", "/bin",
    "--ro-bind-try", "/etc/alternatives", "/etc/alternatives",
    "--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache",
    "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
    "--bind", workdir, "/job",
    "--ro-bind", wf_sandbox_get_runner_dir (), "/runner",
    "--ro-bind", case_path, "/case.py",
    "--chdir", "/job",
    "--unshare-all", "--die-with-parent", "--new-session", "--clearenv",
    "--setenv", "PYTHONDONTWRITEBYTECODE", "1",
    get_python (), "-I", "-c", harness,
    NULL,
  };

  if (workdir == NULL)
    return FALSE;
  ok = g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                     out_stdout, &err, &status, error);
  if (ok && !g_spawn_check_wait_status (status, NULL))
    g_test_message ("bwrap exited with %d: %s", status, err);
  else if (ok && err && *err)
    g_test_message ("stderr: %s", err);
  g_rmdir (workdir);

  return ok;
}

static gboolean
bwrap_works (void)
{
  g_autofree char *out = NULL;
  g_autofree char *probe = corpus_file ("allow-09-executive-pay.py");
  g_autoptr(GError) error = NULL;

  if (!g_file_test (WF_BWRAP_PATH, G_FILE_TEST_IS_EXECUTABLE))
    return FALSE;
  if (!run_in_bwrap (probe, &out, &error))
    {
      g_test_message ("bwrap probe: %s", error->message);
      return FALSE;
    }
  g_test_message ("bwrap probe: %s", out);

  return g_str_has_prefix (result_of (out), "RAN");
}

static void
test_runtime_hook (void)
{
  g_autoptr(GPtrArray) files = NULL;

  if (!bwrap_works ())
    {
      g_test_skip ("bubblewrap cannot start a sandbox here (missing, or user namespaces disabled)");
      return;
    }

  files = list_corpus ("runtime-");
  g_assert_cmpuint (files->len, >=, 5);
  for (guint i = 0; i < files->len; i++)
    {
      const char *path = g_ptr_array_index (files, i);
      g_autofree char *source = NULL;
      g_autofree char *out = NULL;
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) lines = NULL;
      const char *event;

      g_assert_true (g_file_get_contents (path, &source, NULL, NULL));
      lines = g_strsplit (source, "\n", 2);
      g_assert_true (g_str_has_prefix (lines[0], "# firewall: runtime "));
      event = lines[0] + strlen ("# firewall: runtime ");

      g_assert_true (run_in_bwrap (path, &out, &error));
      g_assert_no_error (error);
      g_test_message ("%s: %s", path, out);
      g_assert_true (g_str_has_prefix (result_of (out), "BLOCKED "));
      if (strstr (result_of (out), event) == NULL)
        g_error ("%s: expected the event “%s”, got %s", path, event, out);
    }
}

/* The hook must not get in the way of honest programs: every allowed corpus
 * program whose libraries are installed runs to the end under it. */
static void
test_runtime_honest (void)
{
  g_autoptr(GPtrArray) files = NULL;
  guint n_ran = 0;

  if (!bwrap_works ())
    {
      g_test_skip ("bubblewrap cannot start a sandbox here (missing, or user namespaces disabled)");
      return;
    }

  files = list_corpus ("allow-");
  for (guint i = 0; i < files->len; i++)
    {
      const char *path = g_ptr_array_index (files, i);
      g_autofree char *out = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_true (run_in_bwrap (path, &out, &error));
      g_assert_no_error (error);
      g_test_message ("%s: %s", path, out);
      /* whatif and numpy_financial come from the runner's own folder in the
       * real sandbox; this plain line may lack them. */
      if (g_str_has_prefix (result_of (out), "ERROR ModuleNotFoundError") &&
          (strstr (out, "'whatif'") != NULL || strstr (out, "'numpy_financial'") != NULL))
        continue;
      if (!g_str_has_prefix (result_of (out), "RAN"))
        g_error ("%s: an honest program did not run under the hook: %s", path, out);
      n_ran++;
    }
  g_test_message ("%u honest programs ran under the hook", n_ran);
  g_assert_cmpuint (n_ran, >=, 30);
}

static WfSandbox *
get_sandbox_or_skip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WfSandbox) sandbox = wf_sandbox_get_default (NULL, &error);

  if (sandbox == NULL || !wf_sandbox_is_available (sandbox, &error))
    {
      g_autofree char *reason = g_strdup_printf ("no sandbox backend: %s",
                                                 error ? error->message : "unavailable");
      g_test_skip (reason);
      return NULL;
    }

  return g_steal_pointer (&sandbox);
}

/* The production path: the verdict comes from the sandbox and must equal
 * the one the same policy gives on the host. */
static void
test_sandbox_check_job (void)
{
  g_autoptr(WfSandbox) sandbox = get_sandbox_or_skip ();
  const char *names[] = {
    "allow-01-loan-amortisation.py", "allow-07-dict-key-os.py", "block-01-subclasses-walk.py",
    "block-27-pandas-io-common-os.py", "block-24-fullwidth-eval.py", "block-58-syntax-error.py",
  };

  if (sandbox == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = corpus_file (names[i]);
      g_autofree char *source = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(WfVerdict) remote = NULL;
      g_autoptr(WfVerdict) local = NULL;
      g_autofree char *remote_json = NULL;
      g_autofree char *local_json = NULL;

      g_assert_true (g_file_get_contents (path, &source, NULL, NULL));
      remote = wf_firewall_check_python (sandbox, source, NULL, &error);
      g_assert_no_error (error);
      local = wf_firewall_check_python_local (get_python (), NULL, source, NULL, &error);
      g_assert_no_error (error);
      remote_json = wf_verdict_to_json (remote);
      local_json = wf_verdict_to_json (local);
      g_assert_cmpstr (remote_json, ==, local_json);
      g_assert_cmpint (wf_verdict_is_allowed (remote), ==, g_str_has_prefix (names[i], "allow-"));
    }
}

/* The runner's wiring: a job with the policy on whose code passes the static
 * check but misbehaves at run time ends "blocked", naming the event. */
static void
test_sandbox_runner_hook (void)
{
  g_autofree char *runner = g_build_filename (wf_sandbox_get_runner_dir (), "whatif_runner.py", NULL);
  g_autofree char *runner_text = NULL;
  g_autoptr(WfSandbox) sandbox = NULL;
  g_autoptr(GPtrArray) files = NULL;

  if (!g_file_get_contents (runner, &runner_text, NULL, NULL) ||
      strstr (runner_text, "install_audit_hook") == NULL)
    {
      g_test_skip ("the runner does not install the policy's audit hook yet");
      return;
    }
  sandbox = get_sandbox_or_skip ();
  if (sandbox == NULL)
    return;

  files = list_corpus ("runtime-");
  for (guint i = 0; i < files->len; i++)
    {
      const char *path = g_ptr_array_index (files, i);
      g_autofree char *source = NULL;
      g_autoptr(WfJob) job = NULL;
      g_autoptr(GError) error = NULL;
      WfRunResult *result;

      g_assert_true (g_file_get_contents (path, &source, NULL, NULL));
      /* Only cases the static check lets through reach the hook here. */
      if (strstr (source, "# static: allow") == NULL)
        continue;
      job = wf_job_new (WF_JOB_RUN, "python", source);
      job->policy = TRUE;
      result = wf_sandbox_run (sandbox, job, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_test_message ("%s: status %d, %s", path, result->status, result->error_message);
      g_assert_cmpint (result->status, ==, WF_RUN_STATUS_BLOCKED);
      g_assert_nonnull (result->error_message);
      wf_run_result_free (result);
    }
}

static int
run_cli (const char  *cli,
         const char  *file,
         char       **out)
{
  const char *argv[] = { cli, "check", "--json", "--no-sandbox", file, NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));

  return WEXITSTATUS (status);
}

static void
test_cli (void)
{
  const char *cli = g_getenv ("WHATIF_CLI");
  g_autofree char *allow_path = corpus_file ("allow-03-groupby.py");
  g_autofree char *block_path = corpus_file ("block-34-read-csv-url.py");
  g_autofree char *out = NULL;
  g_autofree char *out2 = NULL;
  g_autoptr(WfVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;

  if (cli == NULL || !g_file_test (cli, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("whatif-cli is not built in this tree");
      return;
    }

  g_assert_cmpint (run_cli (cli, allow_path, &out), ==, 0);
  verdict = wf_verdict_from_json (out, -1, &error);
  g_assert_no_error (error);
  g_assert_true (wf_verdict_is_allowed (verdict));
  g_clear_pointer (&verdict, wf_verdict_free);

  g_assert_cmpint (run_cli (cli, block_path, &out2), ==, 1);
  verdict = wf_verdict_from_json (out2, -1, &error);
  g_assert_no_error (error);
  g_assert_true (wf_verdict_has_rule (verdict, "url-read"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/firewall/runtime/hook", test_runtime_hook);
  g_test_add_func ("/firewall/runtime/honest", test_runtime_honest);
  g_test_add_func ("/firewall/sandbox/check-job", test_sandbox_check_job);
  g_test_add_func ("/firewall/sandbox/runner-hook", test_sandbox_runner_hook);
  g_test_add_func ("/firewall/cli", test_cli);

  return g_test_run ();
}
