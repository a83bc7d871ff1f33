/* wf-cli-keys.c: whatif-cli keys set|clear|status
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A key is read from standard input, never from the command line, where it
 * would end up in the shell history and in /proc/PID/cmdline for every user
 * on the machine to read. Nothing here ever prints a key.
 */
#define G_LOG_DOMAIN "wf-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "wf-cli-commands.h"
#include "wf-secrets.h"

#define COMMAND "keys"

static char *
read_key_from_stdin (GError **error)
{
  /* One byte more than the longest key plus a CRLF tells "too long" apart. */
  gsize cap = WF_SECRET_MAX_LENGTH + 3;
  char *buffer = g_malloc0 (cap + 1);
  gboolean tty = isatty (STDIN_FILENO);
  struct termios saved;
  gboolean restore = FALSE;
  gsize len = 0;
  char *key;

  if (tty)
    {
      g_printerr (_("Paste the key and press Enter: "));
      if (tcgetattr (STDIN_FILENO, &saved) == 0)
        {
          struct termios quiet = saved;

          quiet.c_lflag &= ~(tcflag_t) ECHO;
          restore = tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
        }
    }

  while (len < cap)
    {
      ssize_t n = read (STDIN_FILENO, buffer + len, tty ? 1 : cap - len);

      if (n <= 0)
        break;
      len += (gsize) n;
      if (tty && buffer[len - 1] == '\n')
        break;
    }

  if (restore)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
      g_printerr ("\n");
    }

  if (len >= cap)
    {
      wf_secrets_value_free (buffer);
      g_set_error (error, WF_SECRETS_ERROR, WF_SECRETS_ERROR_INVALID,
                   _("The key is longer than %d characters; is this the right text?"),
                   WF_SECRET_MAX_LENGTH);
      return NULL;
    }
  if (memchr (buffer, '\0', len) != NULL)
    {
      wf_secrets_value_free (buffer);
      g_set_error_literal (error, WF_SECRETS_ERROR, WF_SECRETS_ERROR_INVALID,
                           _("The key contains a NUL byte."));
      return NULL;
    }

  key = wf_secrets_normalize (buffer, error);
  wf_secrets_value_free (buffer);

  return key;
}

static int
print_ok (WfCliCommon *common,
          const char  *provider,
          const char  *message)
{
  if (common->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "ok");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_set_member_name (builder, "provider");
      json_builder_add_string_value (builder, provider);
      json_builder_end_object (builder);
      wf_cli_print_builder (builder);
    }
  else
    g_print ("%s\n", message);

  return WF_CLI_EXIT_OK;
}

static int
keys_status (WfCliCommon *common)
{
  g_autoptr(GError) keyring_error = NULL;
  g_autoptr(GArray) status = wf_secrets_status (NULL, &keyring_error);

  if (common->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "ok");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_set_member_name (builder, "keyring_available");
      json_builder_add_boolean_value (builder, keyring_error == NULL);
      if (keyring_error != NULL)
        {
          json_builder_set_member_name (builder, "keyring_error");
          json_builder_add_string_value (builder, keyring_error->message);
        }
      json_builder_set_member_name (builder, "keys");
      json_builder_begin_array (builder);
      for (guint i = 0; i < status->len; i++)
        {
          WfSecretStatus *entry = &g_array_index (status, WfSecretStatus, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "provider");
          json_builder_add_string_value (builder, wf_secret_kind_to_string (entry->kind));
          json_builder_set_member_name (builder, "set");
          json_builder_add_boolean_value (builder, entry->source != WF_SECRET_SOURCE_NONE);
          json_builder_set_member_name (builder, "source");
          json_builder_add_string_value (builder, wf_secret_source_to_string (entry->source));
          json_builder_set_member_name (builder, "environment");
          json_builder_add_boolean_value (builder, entry->in_environment);
          json_builder_set_member_name (builder, "keyring");
          json_builder_add_boolean_value (builder, entry->in_keyring);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      wf_cli_print_builder (builder);
      return WF_CLI_EXIT_OK;
    }

  for (guint i = 0; i < status->len; i++)
    {
      WfSecretStatus *entry = &g_array_index (status, WfSecretStatus, i);
      const char *where;

      switch (entry->source)
        {
        case WF_SECRET_SOURCE_ENVIRONMENT:
          where = entry->in_keyring ? _("set (environment, overrides the keyring)")
                                    : _("set (environment)");
          break;
        case WF_SECRET_SOURCE_KEYRING:
          where = _("set (keyring)");
          break;
        case WF_SECRET_SOURCE_NONE:
        default:
          where = _("not set");
          break;
        }
      g_print ("%-16s %s\n", wf_secret_kind_to_string (entry->kind), where);
    }
  if (keyring_error != NULL)
    g_printerr ("whatif-cli keys: %s\n", keyring_error->message);

  return WF_CLI_EXIT_OK;
}

int
wf_cli_keys (int    argc,
             char **argv)
{
  WfCliCommon common = { 0 };
  g_autoptr(GError) error = NULL;
  WfSecretKind kind;
  const char *sub;
  int ret;

  if (!wf_cli_parse (&argc, &argv, COMMAND, "set|clear PROVIDER | status",
                     _("Providers: openrouter, cohere, e2b, langfuse-public, langfuse-secret, "
                       "otlp-headers.\n“set” reads the key from standard input."),
                     NULL, &common))
    return WF_CLI_EXIT_USAGE;

  if (argc < 2)
    {
      ret = wf_cli_fail (&common, COMMAND, WF_CLI_EXIT_USAGE,
                         _("Say what to do: set PROVIDER, clear PROVIDER or status."));
      goto out;
    }
  sub = argv[1];

  if (strcmp (sub, "status") == 0 && argc == 2)
    {
      ret = keys_status (&common);
      goto out;
    }

  if ((strcmp (sub, "set") != 0 && strcmp (sub, "clear") != 0) || argc != 3)
    {
      /* Refuse extra arguments: a key typed there must not be half-used. */
      ret = wf_cli_fail (&common, COMMAND, WF_CLI_EXIT_USAGE,
                         _("Usage: whatif-cli keys set|clear PROVIDER, or keys status. The key "
                           "itself is read from standard input, never from the command line."));
      goto out;
    }
  if (!wf_secret_kind_from_string (argv[2], &kind))
    {
      ret = wf_cli_fail (&common, COMMAND, WF_CLI_EXIT_USAGE,
                         _("Unknown provider “%s”. Known: openrouter, cohere, e2b, "
                           "langfuse-public, langfuse-secret, otlp-headers."),
                         argv[2]);
      goto out;
    }

  if (strcmp (sub, "set") == 0)
    {
      char *key = read_key_from_stdin (&error);
      gboolean ok;

      if (key == NULL)
        {
          ret = wf_cli_fail (&common, COMMAND, WF_CLI_EXIT_FAILED, "%s", error->message);
          goto out;
        }
      ok = wf_secrets_store_sync (kind, key, NULL, &error);
      wf_secrets_value_free (key);
      if (!ok)
        {
          ret = wf_cli_fail (&common, COMMAND, WF_CLI_EXIT_FAILED, "%s", error->message);
          goto out;
        }
      ret = print_ok (&common, argv[2], _("Key stored in the keyring."));
      if (!common.json && g_getenv (wf_secret_kind_get_env_var (kind)) != NULL)
        g_printerr (_("Note: %s is set and takes precedence over the keyring.\n"),
                    wf_secret_kind_get_env_var (kind));
    }
  else
    {
      if (!wf_secrets_clear_sync (kind, NULL, &error))
        {
          ret = wf_cli_fail (&common, COMMAND, WF_CLI_EXIT_FAILED, "%s", error->message);
          goto out;
        }
      ret = print_ok (&common, argv[2], _("Key removed from the keyring."));
    }

out:
  wf_cli_common_clear (&common);
  return ret;
}
