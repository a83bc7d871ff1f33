/* wf-secrets.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-secrets"

#include "config.h"

#include "wf-secrets.h"

#include <glib/gi18n-lib.h>
#include <string.h>

G_DEFINE_QUARK (wf-secrets-error-quark, wf_secrets_error)

static const struct
{
  const char *name;
  const char *env;
  const char *label;
} kinds[WF_SECRET_N_KINDS] = {
  [WF_SECRET_OPENROUTER] = { "openrouter", "OPENROUTER_API_KEY", N_("What If: OpenRouter API key") },
  [WF_SECRET_COHERE] = { "cohere", "COHERE_API_KEY", N_("What If: Cohere API key") },
  [WF_SECRET_E2B] = { "e2b", "E2B_API_KEY", N_("What If: E2B API key") },
  [WF_SECRET_LANGFUSE_PUBLIC] = { "langfuse-public", "LANGFUSE_PUBLIC_KEY",
                                  N_("What If: Langfuse public key") },
  [WF_SECRET_LANGFUSE_SECRET] = { "langfuse-secret", "LANGFUSE_SECRET_KEY",
                                  N_("What If: Langfuse secret key") },
  [WF_SECRET_OTLP_HEADERS] = { "otlp-headers", "OTEL_EXPORTER_OTLP_HEADERS",
                               N_("What If: OpenTelemetry export headers") },
};

const SecretSchema *
wf_secrets_get_schema (void)
{
  static const SecretSchema schema = {
    APP_ID, SECRET_SCHEMA_NONE,
    {
      { "provider", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

const char *
wf_secret_kind_to_string (WfSecretKind kind)
{
  g_return_val_if_fail (kind < WF_SECRET_N_KINDS, NULL);

  return kinds[kind].name;
}

const char *
wf_secret_kind_get_env_var (WfSecretKind kind)
{
  g_return_val_if_fail (kind < WF_SECRET_N_KINDS, NULL);

  return kinds[kind].env;
}

gboolean
wf_secret_kind_from_string (const char   *name,
                            WfSecretKind *out_kind)
{
  if (name == NULL)
    return FALSE;
  for (guint i = 0; i < WF_SECRET_N_KINDS; i++)
    if (strcmp (kinds[i].name, name) == 0)
      {
        if (out_kind)
          *out_kind = i;
        return TRUE;
      }

  return FALSE;
}

const char *
wf_secret_source_to_string (WfSecretSource source)
{
  switch (source)
    {
    case WF_SECRET_SOURCE_ENVIRONMENT:
      return "environment";
    case WF_SECRET_SOURCE_KEYRING:
      return "keyring";
    case WF_SECRET_SOURCE_NONE:
    default:
      return "none";
    }
}

void
wf_secrets_value_free (char *value)
{
  if (value == NULL)
    return;

  /* volatile so the compiler cannot drop the wipe as a dead store */
  for (volatile char *p = value; *p; p++)
    *p = '\0';
  g_free (value);
}

char *
wf_secrets_normalize (const char  *value,
                      GError     **error)
{
  g_autofree char *copy = NULL;
  gsize len;

  if (value == NULL)
    value = "";
  len = strlen (value);
  if (len > WF_SECRET_MAX_LENGTH * 2)
    {
      g_set_error (error, WF_SECRETS_ERROR, WF_SECRETS_ERROR_INVALID,
                   _("The key is longer than %d characters; is this the right text?"),
                   WF_SECRET_MAX_LENGTH);
      return NULL;
    }

  copy = g_strstrip (g_strdup (value));
  len = strlen (copy);
  if (len == 0)
    {
      g_set_error_literal (error, WF_SECRETS_ERROR, WF_SECRETS_ERROR_INVALID,
                           _("The key is empty."));
      return NULL;
    }
  if (len > WF_SECRET_MAX_LENGTH)
    {
      memset (copy, 0, len);
      g_set_error (error, WF_SECRETS_ERROR, WF_SECRETS_ERROR_INVALID,
                   _("The key is longer than %d characters; is this the right text?"),
                   WF_SECRET_MAX_LENGTH);
      return NULL;
    }
  for (gsize i = 0; i < len; i++)
    if (g_ascii_iscntrl (copy[i]))
      {
        memset (copy, 0, len);
        g_set_error_literal (error, WF_SECRETS_ERROR, WF_SECRETS_ERROR_INVALID,
                             _("The key contains a line break or another control character; "
                               "paste just the key."));
        return NULL;
      }

  return g_steal_pointer (&copy);
}

static GError *
keyring_error (GError *cause)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (cause);
  if (cause->domain == G_DBUS_ERROR || cause->domain == G_IO_ERROR
      || cause->domain == G_SPAWN_ERROR)
    return g_error_new (WF_SECRETS_ERROR, WF_SECRETS_ERROR_NO_SERVICE,
                        _("The keyring is not reachable (%s). Start a keyring such as GNOME "
                          "Keyring, or set the key in the environment."),
                        cause->message);
  return g_error_new (WF_SECRETS_ERROR, WF_SECRETS_ERROR_FAILED,
                      _("The keyring refused the request: %s"), cause->message);
}

static char *
lookup_env (WfSecretKind kind)
{
  const char *value = g_getenv (kinds[kind].env);
  g_autoptr(GError) ignored = NULL;

  if (value == NULL || *value == '\0')
    return NULL;
  /* A malformed variable counts as unset instead of leaking into a header. */
  return wf_secrets_normalize (value, &ignored);
}

static char *
lookup_keyring (WfSecretKind   kind,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  char *secret;
  char *copy;

  secret = secret_password_lookup_nonpageable_sync (wf_secrets_get_schema (), cancellable,
                                                    &local_error,
                                                    "provider", kinds[kind].name,
                                                    NULL);
  if (local_error != NULL)
    {
      g_propagate_error (error, keyring_error (local_error));
      return NULL;
    }
  if (secret == NULL)
    return NULL;

  copy = g_strdup (secret);
  secret_password_free (secret);

  return copy;
}

char *
wf_secrets_lookup_sync (WfSecretKind   kind,
                        GCancellable  *cancellable,
                        GError       **error)
{
  char *value;

  g_return_val_if_fail (kind < WF_SECRET_N_KINDS, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((value = lookup_env (kind)) != NULL)
    return value;

  return lookup_keyring (kind, cancellable, error);
}

gboolean
wf_secrets_store_sync (WfSecretKind   kind,
                       const char    *value,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  char *normal;
  gboolean ok;

  g_return_val_if_fail (kind < WF_SECRET_N_KINDS, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  normal = wf_secrets_normalize (value, error);
  if (normal == NULL)
    return FALSE;

  ok = secret_password_store_sync (wf_secrets_get_schema (), SECRET_COLLECTION_DEFAULT,
                                   _(kinds[kind].label), normal, cancellable, &local_error,
                                   "provider", kinds[kind].name,
                                   NULL);
  wf_secrets_value_free (normal);
  if (!ok)
    {
      g_propagate_error (error, keyring_error (local_error));
      return FALSE;
    }

  return TRUE;
}

gboolean
wf_secrets_clear_sync (WfSecretKind   kind,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (kind < WF_SECRET_N_KINDS, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* FALSE without an error only means there was nothing to clear. */
  if (!secret_password_clear_sync (wf_secrets_get_schema (), cancellable, &local_error,
                                   "provider", kinds[kind].name,
                                   NULL)
      && local_error != NULL)
    {
      g_propagate_error (error, keyring_error (local_error));
      return FALSE;
    }

  return TRUE;
}

/* Async variants: libsecret's sync calls on a worker thread, so that the
 * wipe-on-free rules above hold for both. */

typedef struct
{
  WfSecretKind kind;
  char        *value;
} SecretTaskData;

static void
secret_task_data_free (SecretTaskData *data)
{
  wf_secrets_value_free (data->value);
  g_free (data);
}

static GTask *
secret_task_new (WfSecretKind         kind,
                 const char          *value,
                 gpointer             source_tag,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  SecretTaskData *data = g_new0 (SecretTaskData, 1);

  data->kind = kind;
  data->value = g_strdup (value);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, (GDestroyNotify) secret_task_data_free);

  return task;
}

static void
lookup_worker (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  SecretTaskData *data = task_data;
  GError *error = NULL;
  char *value = wf_secrets_lookup_sync (data->kind, cancellable, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, value, (GDestroyNotify) wf_secrets_value_free);
}

void
wf_secrets_lookup_async (WfSecretKind         kind,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  char *env;

  g_return_if_fail (kind < WF_SECRET_N_KINDS);

  task = secret_task_new (kind, NULL, wf_secrets_lookup_async, cancellable, callback, user_data);
  /* The environment needs no thread. */
  if ((env = lookup_env (kind)) != NULL)
    {
      g_task_return_pointer (task, env, (GDestroyNotify) wf_secrets_value_free);
      return;
    }
  g_task_run_in_thread (task, lookup_worker);
}

char *
wf_secrets_lookup_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
store_worker (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  SecretTaskData *data = task_data;
  GError *error = NULL;

  if (wf_secrets_store_sync (data->kind, data->value, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
wf_secrets_store_async (WfSecretKind         kind,
                        const char          *value,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (kind < WF_SECRET_N_KINDS);

  task = secret_task_new (kind, value, wf_secrets_store_async, cancellable, callback, user_data);
  g_task_run_in_thread (task, store_worker);
}

gboolean
wf_secrets_store_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
clear_worker (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  SecretTaskData *data = task_data;
  GError *error = NULL;

  if (wf_secrets_clear_sync (data->kind, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
wf_secrets_clear_async (WfSecretKind         kind,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (kind < WF_SECRET_N_KINDS);

  task = secret_task_new (kind, NULL, wf_secrets_clear_async, cancellable, callback, user_data);
  g_task_run_in_thread (task, clear_worker);
}

gboolean
wf_secrets_clear_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

GArray *
wf_secrets_status (GCancellable  *cancellable,
                   GError       **keyring_error_out)
{
  GArray *status = g_array_new (FALSE, TRUE, sizeof (WfSecretStatus));
  gboolean keyring_ok = TRUE;

  for (guint i = 0; i < WF_SECRET_N_KINDS; i++)
    {
      WfSecretStatus entry = { i, WF_SECRET_SOURCE_NONE, FALSE, FALSE };
      char *value;

      value = lookup_env (i);
      entry.in_environment = value != NULL;
      wf_secrets_value_free (value);

      if (keyring_ok)
        {
          g_autoptr(GError) error = NULL;

          value = lookup_keyring (i, cancellable, &error);
          entry.in_keyring = value != NULL;
          wf_secrets_value_free (value);
          if (error != NULL)
            {
              /* Ask once: an absent keyring answers the same for every key. */
              keyring_ok = FALSE;
              if (keyring_error_out != NULL && *keyring_error_out == NULL)
                *keyring_error_out = g_steal_pointer (&error);
            }
        }

      if (entry.in_environment)
        entry.source = WF_SECRET_SOURCE_ENVIRONMENT;
      else if (entry.in_keyring)
        entry.source = WF_SECRET_SOURCE_KEYRING;
      g_array_append_val (status, entry);
    }

  return status;
}
