/* wf-secrets.h: API keys in the keyring, the only place a key is read or written
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Keys live in the user's keyring through libsecret (inside the Flatpak
 * libsecret talks to the secret portal by itself), under a schema named after
 * the application id with one attribute, "provider". An environment variable
 * overrides the keyring for headless use. A key never goes to the database, a
 * log, telemetry or a sandbox: callers hold it only as long as a request needs
 * it and free it with wf_secrets_value_free(), which wipes it.
 */
#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

G_BEGIN_DECLS

#define WF_SECRETS_ERROR (wf_secrets_error_quark ())
GQuark wf_secrets_error_quark (void);

typedef enum
{
  WF_SECRETS_ERROR_UNKNOWN_PROVIDER,
  WF_SECRETS_ERROR_INVALID,        /* empty, too long or control characters */
  WF_SECRETS_ERROR_NO_SERVICE,     /* no keyring reachable */
  WF_SECRETS_ERROR_FAILED,
} WfSecretsError;

typedef enum
{
  WF_SECRET_OPENROUTER,
  WF_SECRET_COHERE,
  WF_SECRET_E2B,
  WF_SECRET_LANGFUSE_PUBLIC,
  WF_SECRET_LANGFUSE_SECRET,
  WF_SECRET_OTLP_HEADERS,
  WF_SECRET_N_KINDS,
} WfSecretKind;

typedef enum
{
  WF_SECRET_SOURCE_NONE,
  WF_SECRET_SOURCE_ENVIRONMENT,
  WF_SECRET_SOURCE_KEYRING,
} WfSecretSource;

#define WF_SECRET_MAX_LENGTH 4096

const SecretSchema *wf_secrets_get_schema      (void);

/* "openrouter", "cohere", "e2b", "langfuse-public", "langfuse-secret",
 * "otlp-headers". */
const char   *wf_secret_kind_to_string         (WfSecretKind   kind);
gboolean      wf_secret_kind_from_string       (const char    *name,
                                                WfSecretKind  *out_kind);
const char   *wf_secret_kind_get_env_var       (WfSecretKind   kind);
const char   *wf_secret_source_to_string       (WfSecretSource source);

/* Trims surrounding white space (a pasted key often ends in a newline) and
 * checks the length and characters. Returns a new string or NULL. */
char         *wf_secrets_normalize             (const char    *value,
                                                GError       **error);
/* Wipes and frees a value returned by this module. */
void          wf_secrets_value_free            (char          *value);

/* Lookup: the environment first, then the keyring. NULL without an error
 * means "not set". */
char         *wf_secrets_lookup_sync           (WfSecretKind   kind,
                                                GCancellable  *cancellable,
                                                GError       **error);
void          wf_secrets_lookup_async          (WfSecretKind         kind,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
char         *wf_secrets_lookup_finish         (GAsyncResult  *result,
                                                GError       **error);

/* Store and clear act on the keyring only; the environment is the user's. */
gboolean      wf_secrets_store_sync            (WfSecretKind   kind,
                                                const char    *value,
                                                GCancellable  *cancellable,
                                                GError       **error);
void          wf_secrets_store_async           (WfSecretKind         kind,
                                                const char          *value,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean      wf_secrets_store_finish          (GAsyncResult  *result,
                                                GError       **error);
gboolean      wf_secrets_clear_sync            (WfSecretKind   kind,
                                                GCancellable  *cancellable,
                                                GError       **error);
void          wf_secrets_clear_async           (WfSecretKind         kind,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean      wf_secrets_clear_finish          (GAsyncResult  *result,
                                                GError       **error);

typedef struct
{
  WfSecretKind   kind;
  WfSecretSource source;          /* where the value in use comes from */
  gboolean       in_environment;
  gboolean       in_keyring;
} WfSecretStatus;

/* Which keys are set and where from; never a value. @keyring_error (nullable)
 * receives the reason when the keyring could not be asked; the environment
 * part is still filled in. (element-type WfSecretStatus) */
GArray       *wf_secrets_status                (GCancellable  *cancellable,
                                                GError       **keyring_error);

G_END_DECLS
