/* wf-provider-offline.c: answers from the templates, with no network
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The offline provider is a real WfLlmProvider: it reads the conversation,
 * routes the last user message (with the parameters in force from earlier
 * turns), fills the template for the intent and returns the same JSON text a
 * remote model would, so repair, firewall and sandbox run on it unchanged. It
 * costs nothing and uses no tokens.
 */
#define G_LOG_DOMAIN "wf-provider-offline"

#include "config.h"

#include "wf-provider-offline.h"

#include <glib/gi18n-lib.h>

#include "wf-templates.h"

struct _WfProviderOffline
{
  GObject        parent_instance;

  GMutex         lock;
  WfIntent       context_intent;
  WfQueryParams *context_params;      /* nullable */
  gboolean       has_context;
  WfIntent       last_intent;
  WfQueryParams *last_params;         /* nullable */
};

static void wf_provider_offline_iface_init (WfLlmProviderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (WfProviderOffline, wf_provider_offline, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (WF_TYPE_LLM_PROVIDER,
                                                      wf_provider_offline_iface_init))

static void
wf_provider_offline_finalize (GObject *object)
{
  WfProviderOffline *self = WF_PROVIDER_OFFLINE (object);

  g_clear_pointer (&self->context_params, wf_query_params_free);
  g_clear_pointer (&self->last_params, wf_query_params_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (wf_provider_offline_parent_class)->finalize (object);
}

static void
wf_provider_offline_class_init (WfProviderOfflineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = wf_provider_offline_finalize;
}

static void
wf_provider_offline_init (WfProviderOffline *self)
{
  g_mutex_init (&self->lock);
  self->context_intent = WF_INTENT_NONE;
  self->last_intent = WF_INTENT_NONE;
}

WfProviderOffline *
wf_provider_offline_new (void)
{
  return g_object_new (WF_TYPE_PROVIDER_OFFLINE, NULL);
}

void
wf_provider_offline_set_context (WfProviderOffline   *self,
                                 WfIntent             previous_intent,
                                 const WfQueryParams *previous_params)
{
  g_return_if_fail (WF_IS_PROVIDER_OFFLINE (self));

  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->context_params, wf_query_params_free);
  self->context_intent = previous_intent;
  if (previous_params != NULL)
    self->context_params = wf_query_params_copy (previous_params);
  self->has_context = previous_params != NULL || previous_intent != WF_INTENT_NONE;
  g_mutex_unlock (&self->lock);
}

WfQueryParams *
wf_provider_offline_dup_last_params (WfProviderOffline *self,
                                     WfIntent          *out_intent)
{
  WfQueryParams *params = NULL;

  g_return_val_if_fail (WF_IS_PROVIDER_OFFLINE (self), NULL);

  g_mutex_lock (&self->lock);
  if (self->last_params != NULL)
    params = wf_query_params_copy (self->last_params);
  if (out_intent != NULL)
    *out_intent = self->last_intent;
  g_mutex_unlock (&self->lock);
  return params;
}

static const char *
offline_get_name (WfLlmProvider *provider)
{
  return "offline";
}

static gboolean
offline_is_free (WfLlmProvider *provider)
{
  return TRUE;
}

static gboolean
offline_is_configured (WfLlmProvider *provider)
{
  return TRUE;
}

static void
needs_provider_error (GError     **error,
                      const char  *why)
{
  g_set_error (error, WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_NOT_CONFIGURED,
               _("%s The offline templates cover loans, NPV/IRR, break-even, cash runway, price "
                 "changes, growth, hiring, payback, margins, depreciation, working capital, "
                 "inventory and savings. For anything else, add an OpenRouter or Cohere API key "
                 "(Preferences → Providers, or `whatif-cli keys set openrouter`) or set the base URL "
                 "of a local OpenAI-compatible server such as Ollama or llama.cpp."),
               why);
}

/* Routes the last user message with the parameters in force and renders the
 * template. Runs in the caller's thread: it is pure string work. */
static char *
offline_answer (WfProviderOffline  *self,
                GPtrArray          *messages,
                WfQueryParams     **out_params,
                WfIntent           *out_intent,
                GError            **error)
{
  g_autoptr(WfQueryParams) in_force = NULL;
  g_autoptr(WfRoute) route = NULL;
  WfIntent intent = WF_INTENT_NONE;
  WfQueryContext context;
  const WfChatMessage *last_user = NULL;
  int last_index = -1;
  gboolean has_context;
  guint i;

  for (i = 0; messages != NULL && i < messages->len; i++)
    {
      const WfChatMessage *m = g_ptr_array_index (messages, i);

      if (m != NULL && g_strcmp0 (m->role, "user") == 0)
        {
          last_user = m;
          last_index = (int) i;
        }
    }
  if (last_user == NULL)
    {
      g_set_error_literal (error, WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_FAILED,
                           _("There is no question to answer: the conversation has no user message."));
      return NULL;
    }

  g_mutex_lock (&self->lock);
  has_context = self->has_context;
  intent = self->context_intent;
  if (self->context_params != NULL)
    in_force = wf_query_params_copy (self->context_params);
  g_mutex_unlock (&self->lock);

  /* No context given: rebuild it by replaying the earlier questions. */
  if (!has_context)
    for (i = 0; (int) i < last_index; i++)
      {
        const WfChatMessage *m = g_ptr_array_index (messages, i);
        g_autoptr(WfRoute) earlier = NULL;

        if (m == NULL || g_strcmp0 (m->role, "user") != 0)
          continue;
        wf_query_context_init (&context);
        context.previous_intent = intent;
        context.previous_params = in_force;
        earlier = wf_query_route (m->content, &context, NULL);
        if (earlier == NULL || earlier->decision == WF_ROUTE_DECISION_REFUSE ||
            !wf_templates_supports (earlier->intent))
          continue;
        intent = earlier->intent;
        g_clear_pointer (&in_force, wf_query_params_free);
        in_force = g_steal_pointer (&earlier->params);
      }

  wf_query_context_init (&context);
  context.previous_intent = intent;
  context.previous_params = in_force;
  route = wf_query_route (last_user->content, &context, error);
  if (route == NULL)
    return NULL;
  if (route->decision == WF_ROUTE_DECISION_REFUSE)
    {
      needs_provider_error (error, route->reason);
      return NULL;
    }
  if (!wf_templates_supports (route->intent))
    {
      needs_provider_error (error, _("No offline template fits this question."));
      return NULL;
    }

  *out_intent = route->intent;
  *out_params = wf_query_params_copy (route->params);
  return wf_templates_render_json (route->intent, route->params, error);
}

static void
offline_generate_async (WfLlmProvider          *provider,
                        GPtrArray              *messages,
                        const WfGenerateParams *params,
                        GCancellable           *cancellable,
                        GAsyncReadyCallback     callback,
                        gpointer                user_data)
{
  WfProviderOffline *self = WF_PROVIDER_OFFLINE (provider);
  g_autoptr(GTask) task = NULL;
  g_autoptr(WfGenerateResult) result = NULL;
  g_autoptr(GError) error = NULL;
  WfQueryParams *new_params = NULL;
  WfIntent new_intent = WF_INTENT_NONE;
  gint64 start = g_get_monotonic_time ();
  char *text;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, offline_generate_async);

  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      g_task_return_new_error (task, WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_CANCELLED, "%s", error->message);
      return;
    }

  text = offline_answer (self, messages, &new_params, &new_intent, &error);
  if (text == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->last_params, wf_query_params_free);
  self->last_params = new_params;
  self->last_intent = new_intent;
  g_mutex_unlock (&self->lock);

  result = wf_generate_result_new ();
  result->text = text;
  result->model = g_strdup_printf ("offline/%s", wf_intent_to_string (new_intent));
  result->finish_reason = g_strdup ("stop");
  result->input_tokens = 0;
  result->output_tokens = 0;
  result->has_usage = TRUE;
  result->reported_cost_usd = 0.0;
  result->has_reported_cost = TRUE;
  result->latency_ms = (g_get_monotonic_time () - start) / 1000;

  if (params != NULL && params->stream && params->on_delta != NULL)
    params->on_delta (result->text, params->on_delta_data);

  g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) wf_generate_result_free);
}

static WfGenerateResult *
offline_generate_finish (WfLlmProvider  *provider,
                         GAsyncResult   *result,
                         GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, provider), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
wf_provider_offline_iface_init (WfLlmProviderInterface *iface)
{
  iface->get_name = offline_get_name;
  iface->is_free = offline_is_free;
  iface->is_configured = offline_is_configured;
  iface->generate_async = offline_generate_async;
  iface->generate_finish = offline_generate_finish;
}
