/* wf-llm-provider.h: the interface every model provider implements
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define WF_PROVIDER_ERROR (wf_provider_error_quark ())
GQuark wf_provider_error_quark (void);

typedef enum
{
  WF_PROVIDER_ERROR_BAD_KEY,          /* 401 / 403 */
  WF_PROVIDER_ERROR_NO_CREDITS,       /* 402 */
  WF_PROVIDER_ERROR_RATE_LIMITED,     /* 429 after retries */
  WF_PROVIDER_ERROR_OVERLOADED,       /* 5xx after retries */
  WF_PROVIDER_ERROR_TIMEOUT,
  WF_PROVIDER_ERROR_MALFORMED,        /* unparsable or incomplete response */
  WF_PROVIDER_ERROR_FILTERED,         /* content filter */
  WF_PROVIDER_ERROR_NOT_CONFIGURED,   /* no key / no URL */
  WF_PROVIDER_ERROR_NETWORK,
  WF_PROVIDER_ERROR_TOO_LARGE,        /* response over the size cap */
  WF_PROVIDER_ERROR_CANCELLED,
  WF_PROVIDER_ERROR_FAILED,
} WfProviderError;

typedef struct
{
  char *role;       /* system | user | assistant */
  char *content;
} WfChatMessage;

WfChatMessage *wf_chat_message_new  (const char    *role,
                                     const char    *content);
void           wf_chat_message_free (WfChatMessage *message);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WfChatMessage, wf_chat_message_free)

/* Called with each new piece of text while streaming, on the thread-default
 * main context of the caller of generate_async. */
typedef void (*WfTextDeltaFunc) (const char *delta,
                                 gpointer    user_data);

typedef struct
{
  char            *model;         /* nullable: the provider's default */
  int              max_tokens;
  double           temperature;
  gboolean         stream;
  gboolean         json_mode;
  WfTextDeltaFunc  on_delta;
  gpointer         on_delta_data;
} WfGenerateParams;

void wf_generate_params_init  (WfGenerateParams *params);
void wf_generate_params_clear (WfGenerateParams *params);

typedef struct
{
  char     *text;
  char     *model;
  char     *finish_reason;
  char     *generation_id;
  gint64    input_tokens;
  gint64    output_tokens;
  gboolean  has_usage;            /* FALSE: tokens are unknown, estimate them */
  double    reported_cost_usd;
  gboolean  has_reported_cost;    /* FALSE: compute from tokens × price */
  gint64    latency_ms;
  /* Added by the providers issue: HTTP attempts made (1 = no retry). */
  guint     attempts;
} WfGenerateResult;

WfGenerateResult *wf_generate_result_new  (void);
void              wf_generate_result_free (WfGenerateResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WfGenerateResult, wf_generate_result_free)

#define WF_TYPE_LLM_PROVIDER (wf_llm_provider_get_type ())
G_DECLARE_INTERFACE (WfLlmProvider, wf_llm_provider, WF, LLM_PROVIDER, GObject)

struct _WfLlmProviderInterface
{
  GTypeInterface parent_iface;

  const char       *(*get_name)        (WfLlmProvider           *self);
  /* Free providers (offline, local) are never stopped by the budget. */
  gboolean          (*is_free)         (WfLlmProvider           *self);
  gboolean          (*is_configured)   (WfLlmProvider           *self);
  void              (*generate_async)  (WfLlmProvider           *self,
                                        GPtrArray               *messages, /* WfChatMessage */
                                        const WfGenerateParams  *params,
                                        GCancellable            *cancellable,
                                        GAsyncReadyCallback      callback,
                                        gpointer                 user_data);
  WfGenerateResult *(*generate_finish) (WfLlmProvider           *self,
                                        GAsyncResult            *result,
                                        GError                 **error);
};

const char       *wf_llm_provider_get_name        (WfLlmProvider           *self);
gboolean          wf_llm_provider_is_free         (WfLlmProvider           *self);
gboolean          wf_llm_provider_is_configured   (WfLlmProvider           *self);
void              wf_llm_provider_generate_async  (WfLlmProvider           *self,
                                                   GPtrArray               *messages,
                                                   const WfGenerateParams  *params,
                                                   GCancellable            *cancellable,
                                                   GAsyncReadyCallback      callback,
                                                   gpointer                 user_data);
WfGenerateResult *wf_llm_provider_generate_finish (WfLlmProvider           *self,
                                                   GAsyncResult            *result,
                                                   GError                 **error);
/* Blocking helper for worker threads: runs the async call on a private main
 * context pushed as thread-default, so on_delta fires on this thread. */
WfGenerateResult *wf_llm_provider_generate        (WfLlmProvider           *self,
                                                   GPtrArray               *messages,
                                                   const WfGenerateParams  *params,
                                                   GCancellable            *cancellable,
                                                   GError                 **error);

G_END_DECLS
