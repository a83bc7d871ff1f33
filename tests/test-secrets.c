/* test-secrets.c: keys in a real keyring (gnome-keyring under
 * dbus-run-session, see build-aux/test-session), environment overrides, and
 * `whatif-cli keys` never taking or printing a key on the command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-secrets"

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "wf-secrets.h"

#define FAKE_KEY "sk-or-v1-fake-test-key-7f3a9c0d2e"

static gboolean
keyring_reachable (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) status = NULL;

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    {
      g_test_skip ("No D-Bus session bus: run under dbus-run-session -- build-aux/test-session");
      return FALSE;
    }
  status = wf_secrets_status (NULL, &error);
  if (error != NULL)
    {
      g_autofree char *reason = g_strdup_printf ("No secret service reachable: %s", error->message);

      g_test_skip (reason);
      return FALSE;
    }

  return TRUE;
}

static void
unset_env (void)
{
  for (guint i = 0; i < WF_SECRET_N_KINDS; i++)
    g_unsetenv (wf_secret_kind_get_env_var (i));
}

static void
test_kinds (void)
{
  WfSecretKind kind;

  g_assert_true (wf_secret_kind_from_string ("openrouter", &kind));
  g_assert_cmpint (kind, ==, WF_SECRET_OPENROUTER);
  g_assert_true (wf_secret_kind_from_string ("otlp-headers", &kind));
  g_assert_cmpint (kind, ==, WF_SECRET_OTLP_HEADERS);
  g_assert_false (wf_secret_kind_from_string ("OpenRouter", NULL));
  g_assert_false (wf_secret_kind_from_string ("", NULL));
  g_assert_false (wf_secret_kind_from_string (NULL, NULL));
  g_assert_cmpstr (wf_secret_kind_get_env_var (WF_SECRET_LANGFUSE_SECRET), ==, "LANGFUSE_SECRET_KEY");
  g_assert_cmpstr (wf_secrets_get_schema ()->name, ==, "io.github.whatif.WhatIf");
}

static void
test_normalize (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *long_key = g_strnfill (WF_SECRET_MAX_LENGTH + 1, 'k');
  char *value;

  value = wf_secrets_normalize ("  " FAKE_KEY "\r\n", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, FAKE_KEY);
  wf_secrets_value_free (value);

  g_assert_null (wf_secrets_normalize ("\n", &error));
  g_assert_error (error, WF_SECRETS_ERROR, WF_SECRETS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (wf_secrets_normalize ("abc\ndef", &error));
  g_assert_error (error, WF_SECRETS_ERROR, WF_SECRETS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (wf_secrets_normalize (long_key, &error));
  g_assert_error (error, WF_SECRETS_ERROR, WF_SECRETS_ERROR_INVALID);
  /* The error never repeats the rejected text. */
  g_assert_null (strstr (error->message, "kkkk"));
}

static void
test_env_only (void)
{
  g_autoptr(GError) error = NULL;
  char *value;

  /* The environment needs no keyring at all: headless use. */
  unset_env ();
  g_setenv ("E2B_API_KEY", "e2b_env_value_123", TRUE);
  value = wf_secrets_lookup_sync (WF_SECRET_E2B, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "e2b_env_value_123");
  wf_secrets_value_free (value);
  g_unsetenv ("E2B_API_KEY");
}

static void
test_store_lookup_clear (void)
{
  g_autoptr(GError) error = NULL;
  char *value;

  if (!keyring_reachable ())
    return;
  unset_env ();

  g_assert_true (wf_secrets_store_sync (WF_SECRET_COHERE, FAKE_KEY "\n", NULL, &error));
  g_assert_no_error (error);
  value = wf_secrets_lookup_sync (WF_SECRET_COHERE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, FAKE_KEY);
  wf_secrets_value_free (value);

  /* Keys are per provider. */
  value = wf_secrets_lookup_sync (WF_SECRET_OPENROUTER, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (value);

  /* Storing again replaces. */
  g_assert_true (wf_secrets_store_sync (WF_SECRET_COHERE, "second-value-1234", NULL, &error));
  value = wf_secrets_lookup_sync (WF_SECRET_COHERE, NULL, &error);
  g_assert_cmpstr (value, ==, "second-value-1234");
  wf_secrets_value_free (value);

  g_assert_true (wf_secrets_clear_sync (WF_SECRET_COHERE, NULL, &error));
  g_assert_no_error (error);
  value = wf_secrets_lookup_sync (WF_SECRET_COHERE, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (value);
  /* Clearing what is not there is fine. */
  g_assert_true (wf_secrets_clear_sync (WF_SECRET_COHERE, NULL, &error));

  /* Invalid input never reaches the keyring. */
  g_assert_false (wf_secrets_store_sync (WF_SECRET_COHERE, "  \n", NULL, &error));
  g_assert_error (error, WF_SECRETS_ERROR, WF_SECRETS_ERROR_INVALID);
}

static void
async_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
test_async (void)
{
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;
  char *value;

  if (!keyring_reachable ())
    return;
  unset_env ();

  wf_secrets_store_async (WF_SECRET_LANGFUSE_SECRET, "sk-lf-async-0001", NULL, async_cb, &result);
  g_assert_true (wf_secrets_store_finish (wait_for (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  wf_secrets_lookup_async (WF_SECRET_LANGFUSE_SECRET, NULL, async_cb, &result);
  value = wf_secrets_lookup_finish (wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "sk-lf-async-0001");
  wf_secrets_value_free (value);
  g_clear_object (&result);

  wf_secrets_clear_async (WF_SECRET_LANGFUSE_SECRET, NULL, async_cb, &result);
  g_assert_true (wf_secrets_clear_finish (wait_for (&result), &error));
  g_clear_object (&result);

  wf_secrets_lookup_async (WF_SECRET_LANGFUSE_SECRET, NULL, async_cb, &result);
  value = wf_secrets_lookup_finish (wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_null (value);
  g_clear_object (&result);
}

static void
test_env_precedence (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) status = NULL;
  WfSecretStatus *entry;
  char *value;

  if (!keyring_reachable ())
    return;
  unset_env ();

  g_assert_true (wf_secrets_store_sync (WF_SECRET_OPENROUTER, "keyring-value-0001", NULL, &error));
  g_setenv ("OPENROUTER_API_KEY", "env-value-0002", TRUE);
  value = wf_secrets_lookup_sync (WF_SECRET_OPENROUTER, NULL, &error);
  g_assert_cmpstr (value, ==, "env-value-0002");
  wf_secrets_value_free (value);

  status = wf_secrets_status (NULL, &error);
  g_assert_no_error (error);
  entry = &g_array_index (status, WfSecretStatus, WF_SECRET_OPENROUTER);
  g_assert_cmpint (entry->source, ==, WF_SECRET_SOURCE_ENVIRONMENT);
  g_assert_true (entry->in_environment);
  g_assert_true (entry->in_keyring);
  entry = &g_array_index (status, WfSecretStatus, WF_SECRET_COHERE);
  g_assert_cmpint (entry->source, ==, WF_SECRET_SOURCE_NONE);

  /* An empty variable does not hide the keyring. */
  g_setenv ("OPENROUTER_API_KEY", "", TRUE);
  value = wf_secrets_lookup_sync (WF_SECRET_OPENROUTER, NULL, &error);
  g_assert_cmpstr (value, ==, "keyring-value-0001");
  wf_secrets_value_free (value);

  g_unsetenv ("OPENROUTER_API_KEY");
  g_assert_true (wf_secrets_clear_sync (WF_SECRET_OPENROUTER, NULL, &error));
}

static const char *
cli_path (void)
{
  const char *cli = g_getenv ("WHATIF_CLI");

  if (cli == NULL || !g_file_test (cli, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("whatif-cli is not built (WHATIF_CLI unset)");
      return NULL;
    }
  return cli;
}

static int
run_cli (const char  *stdin_text,
         char       **out_stdout,
         char       **out_stderr,
         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list ap;

  g_ptr_array_add (args, (char *) g_getenv ("WHATIF_CLI"));
  va_start (ap, out_stderr);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  process = g_subprocess_newv ((const char * const *) args->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                               | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, stdin_text ? stdin_text : "", NULL,
                                 out_stdout, out_stderr, &error);
  g_assert_no_error (error);

  return g_subprocess_get_exit_status (process);
}

static void
test_cli_keys (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *keys;
  char *value;

  if (cli_path () == NULL || !keyring_reachable ())
    return;
  unset_env ();

  /* Set from stdin: the trailing newline of `echo` is not part of the key. */
  g_assert_cmpint (run_cli (FAKE_KEY "\n", &out, &err, "keys", "set", "openrouter", NULL), ==, 0);
  g_assert_null (strstr (out, FAKE_KEY));
  g_assert_null (strstr (err, FAKE_KEY));
  value = wf_secrets_lookup_sync (WF_SECRET_OPENROUTER, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, FAKE_KEY);
  wf_secrets_value_free (value);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Status says set and where, never the value. */
  g_assert_cmpint (run_cli (NULL, &out, &err, "keys", "status", "--json", NULL), ==, 0);
  g_assert_null (strstr (out, FAKE_KEY));
  g_assert_null (strstr (err, FAKE_KEY));
  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  keys = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "keys");
  g_assert_cmpuint (json_array_get_length (keys), ==, WF_SECRET_N_KINDS);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (keys, 0), "source"),
                   ==, "keyring");
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (keys, 0), "set"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A key on the command line is refused and not stored anywhere. */
  g_assert_cmpint (run_cli (NULL, &out, &err, "keys", "set", "cohere", "co-argv-key-9999", NULL), ==, 2);
  value = wf_secrets_lookup_sync (WF_SECRET_COHERE, NULL, &error);
  g_assert_null (value);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Empty stdin, unknown provider. */
  g_assert_cmpint (run_cli ("", &out, &err, "keys", "set", "cohere", NULL), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  /* Refused before stdin is read: nothing is written to it, or the write
   * could meet a pipe the CLI has already closed by exiting. */
  g_assert_cmpint (run_cli (NULL, &out, &err, "keys", "set", "github", NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (NULL, &out, &err, "keys", "clear", "openrouter", NULL), ==, 0);
  value = wf_secrets_lookup_sync (WF_SECRET_OPENROUTER, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (value);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/secrets/kinds", test_kinds);
  g_test_add_func ("/secrets/normalize", test_normalize);
  g_test_add_func ("/secrets/env-only", test_env_only);
  g_test_add_func ("/secrets/keyring/store-lookup-clear", test_store_lookup_clear);
  g_test_add_func ("/secrets/keyring/async", test_async);
  g_test_add_func ("/secrets/keyring/env-precedence", test_env_precedence);
  g_test_add_func ("/secrets/cli/keys", test_cli_keys);

  return g_test_run ();
}
