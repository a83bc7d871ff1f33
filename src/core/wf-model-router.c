/* wf-model-router.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-model-router"

#include "config.h"

#include "wf-model-router.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#define META_FETCHED_KEY "models.openrouter.fetched_us"
#define DEFAULT_OPENROUTER_URL "https://openrouter.ai/api/v1"

typedef struct
{
  WfCircuitState state;
  guint          failures;        /* consecutive */
  gint64         opened_us;
  gboolean       trial_in_flight;
  gint64         trial_us;
} Circuit;

struct _WfModelRouter
{
  GObject            parent_instance;

  GMutex             mutex;
  GHashTable        *models;       /* id → WfModelInfo */
  GHashTable        *circuits;     /* id → Circuit */
  char              *default_model;
  char              *fallback_model;
  GPtrArray         *chain;        /* (element-type utf8) */
  WfModelChoice     *last_choice;
  gint64             fetched_us;
  WfRouterClockFunc  clock;
  gpointer           clock_data;
  gint64             cooldown_us;
  guint              threshold;
};

G_DEFINE_FINAL_TYPE (WfModelRouter, wf_model_router, G_TYPE_OBJECT)

G_DEFINE_QUARK (wf-model-router-error-quark, wf_model_router_error)

const char *
wf_circuit_state_to_string (WfCircuitState state)
{
  switch (state)
    {
    case WF_CIRCUIT_CLOSED:
      return "closed";
    case WF_CIRCUIT_OPEN:
      return "open";
    case WF_CIRCUIT_HALF_OPEN:
      return "half-open";
    default:
      return "unknown";
    }
}

const char *
wf_model_choice_reason_to_string (WfModelChoiceReason reason)
{
  switch (reason)
    {
    case WF_MODEL_CHOICE_DEFAULT:
      return "default";
    case WF_MODEL_CHOICE_BUDGET_FALLBACK:
      return "budget-fallback";
    case WF_MODEL_CHOICE_CIRCUIT_FALLBACK:
      return "circuit-fallback";
    case WF_MODEL_CHOICE_TRIAL:
      return "trial";
    case WF_MODEL_CHOICE_NONE_BUDGET:
      return "none-budget";
    case WF_MODEL_CHOICE_NONE_CIRCUITS:
      return "none-circuits";
    case WF_MODEL_CHOICE_NONE_CONFIGURED:
      return "none-configured";
    default:
      return "unknown";
    }
}

WfModelChoice *
wf_model_choice_copy (const WfModelChoice *choice)
{
  WfModelChoice *copy;

  if (choice == NULL)
    return NULL;

  copy = g_new0 (WfModelChoice, 1);
  copy->model_id = g_strdup (choice->model_id);
  copy->provider = g_strdup (choice->provider);
  copy->reason = choice->reason;
  copy->skipped = g_strdup (choice->skipped);
  copy->message = g_strdup (choice->message);
  copy->chosen_us = choice->chosen_us;

  return copy;
}

void
wf_model_choice_free (WfModelChoice *choice)
{
  if (choice == NULL)
    return;

  g_free (choice->model_id);
  g_free (choice->provider);
  g_free (choice->skipped);
  g_free (choice->message);
  g_free (choice);
}

/* Catalogue defaults (prices as listed by OpenRouter in 2026, per million
 * tokens, in micro-dollars). A refresh replaces them. */
static const struct
{
  const char *id;
  const char *provider;
  const char *name;
  gint64      input;
  gint64      output;
  gint64      context;
} default_models[] = {
  { "openai/gpt-4o-mini", "openrouter", "OpenAI: GPT-4o-mini", 150000, 600000, 128000 },
  { "anthropic/claude-3.5-haiku", "openrouter", "Anthropic: Claude 3.5 Haiku", 800000, 4000000, 200000 },
  { "google/gemini-2.0-flash-001", "openrouter", "Google: Gemini 2.0 Flash", 100000, 400000, 1048576 },
  { "meta-llama/llama-3.1-8b-instruct", "openrouter", "Meta: Llama 3.1 8B Instruct", 20000, 50000, 131072 },
  { "cohere/command-r-08-2024", "openrouter", "Cohere: Command R (08-2024)", 150000, 600000, 128000 },
  { "command-r-08-2024", "cohere", "Cohere Command R (08-2024)", 150000, 600000, 128000 },
};

GPtrArray *
wf_model_catalogue_defaults (void)
{
  GPtrArray *models = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_model_info_free);

  for (guint i = 0; i < G_N_ELEMENTS (default_models); i++)
    {
      WfModelInfo *info = wf_model_info_new (default_models[i].id, default_models[i].provider);

      info->name = g_strdup (default_models[i].name);
      info->input_micros_per_mtok = default_models[i].input;
      info->output_micros_per_mtok = default_models[i].output;
      info->context_length = default_models[i].context;
      g_ptr_array_add (models, info);
    }

  return models;
}

gboolean
wf_model_price_parse (const char *text,
                      gint64     *out_micros_per_mtok)
{
  gsize len;
  double value, micros;
  char *end = NULL;
  gboolean seen_digit = FALSE, seen_dot = FALSE, seen_exp = FALSE;

  g_return_val_if_fail (out_micros_per_mtok != NULL, FALSE);

  if (text == NULL)
    return FALSE;
  len = strlen (text);
  if (len == 0 || len > 32)
    return FALSE;

  /* A plain decimal, optionally with an exponent: no sign, no hex, no
   * "inf"/"nan" that strtod would accept. */
  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];

      if (g_ascii_isdigit (c))
        seen_digit = TRUE;
      else if (c == '.' && !seen_dot && !seen_exp)
        seen_dot = TRUE;
      else if ((c == 'e' || c == 'E') && seen_digit && !seen_exp && i + 1 < len)
        {
          seen_exp = TRUE;
          if (text[i + 1] == '-' || text[i + 1] == '+')
            i++;
          if (i + 1 >= len)
            return FALSE;
        }
      else
        return FALSE;
    }
  if (!seen_digit)
    return FALSE;

  value = g_ascii_strtod (text, &end);
  if (end == NULL || *end != '\0' || !isfinite (value) || value < 0)
    return FALSE;

  micros = value * 1e12;   /* USD per token → micro-dollars per million tokens */
  if (!isfinite (micros) || micros > (double) WF_BUDGET_MAX_MICROS_PER_MTOK)
    return FALSE;

  *out_micros_per_mtok = (gint64) llround (micros);
  return TRUE;
}

static gboolean
valid_model_id (const char *id)
{
  gsize len;

  if (id == NULL)
    return FALSE;
  len = strlen (id);
  if (len == 0 || len > WF_MODEL_ID_MAX_LEN || !g_utf8_validate (id, len, NULL))
    return FALSE;

  for (const char *p = id; *p; p++)
    if (!g_ascii_isalnum (*p) && strchr ("/-_.:@+", *p) == NULL)
      return FALSE;

  return TRUE;
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

GPtrArray *
wf_model_catalogue_parse_openrouter (const char  *json,
                                     gssize       length,
                                     gint64       fetched_us,
                                     guint       *out_n_rejected,
                                     GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GPtrArray) models = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root, *data_node;
  JsonArray *data;
  guint n_rejected = 0, n;
  gsize len;

  if (out_n_rejected)
    *out_n_rejected = 0;

  if (json == NULL)
    {
      g_set_error (error, WF_MODEL_ROUTER_ERROR, WF_MODEL_ROUTER_ERROR_MALFORMED,
                   _("The model list is empty."));
      return NULL;
    }

  len = length < 0 ? strlen (json) : (gsize) length;
  if (len > WF_MODEL_LIST_MAX_BYTES)
    {
      g_set_error (error, WF_MODEL_ROUTER_ERROR, WF_MODEL_ROUTER_ERROR_TOO_LARGE,
                   _("The model list is larger than %d MB; it was not read."),
                   WF_MODEL_LIST_MAX_BYTES / (1024 * 1024));
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, json, (gssize) len, &local_error))
    {
      g_set_error (error, WF_MODEL_ROUTER_ERROR, WF_MODEL_ROUTER_ERROR_MALFORMED,
                   _("The model list is not valid JSON: %s"), local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)
      || (data_node = json_object_get_member (json_node_get_object (root), "data")) == NULL
      || !JSON_NODE_HOLDS_ARRAY (data_node))
    {
      g_set_error (error, WF_MODEL_ROUTER_ERROR, WF_MODEL_ROUTER_ERROR_MALFORMED,
                   _("The model list has no “data” array."));
      return NULL;
    }

  data = json_node_get_array (data_node);
  n = json_array_get_length (data);
  if (n > WF_MODEL_LIST_MAX_MODELS)
    {
      g_set_error (error, WF_MODEL_ROUTER_ERROR, WF_MODEL_ROUTER_ERROR_TOO_LARGE,
                   _("The model list has %u models, more than the %u accepted."),
                   n, (guint) WF_MODEL_LIST_MAX_MODELS);
      return NULL;
    }

  models = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_model_info_free);
  seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *item = json_array_get_element (data, i);
      JsonObject *object, *pricing;
      JsonNode *pricing_node, *ctx_node;
      const char *id, *name;
      gint64 in_price, out_price, context = 0;
      WfModelInfo *info;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        {
          n_rejected++;
          continue;
        }
      object = json_node_get_object (item);
      id = member_string (object, "id");
      name = member_string (object, "name");
      pricing_node = json_object_get_member (object, "pricing");
      if (!valid_model_id (id) || g_hash_table_contains (seen, id)
          || pricing_node == NULL || !JSON_NODE_HOLDS_OBJECT (pricing_node))
        {
          n_rejected++;
          continue;
        }
      pricing = json_node_get_object (pricing_node);
      if (!wf_model_price_parse (member_string (pricing, "prompt"), &in_price)
          || !wf_model_price_parse (member_string (pricing, "completion"), &out_price))
        {
          n_rejected++;
          continue;
        }

      ctx_node = json_object_get_member (object, "context_length");
      if (ctx_node != NULL && JSON_NODE_HOLDS_VALUE (ctx_node)
          && json_node_get_value_type (ctx_node) == G_TYPE_INT64)
        context = CLAMP (json_node_get_int (ctx_node), 0, WF_MODEL_MAX_CONTEXT);

      info = wf_model_info_new (id, "openrouter");
      if (name != NULL && g_utf8_validate (name, -1, NULL))
        info->name = g_utf8_substring (name, 0, MIN (g_utf8_strlen (name, -1), WF_MODEL_NAME_MAX_LEN));
      else
        info->name = g_strdup (id);
      info->input_micros_per_mtok = in_price;
      info->output_micros_per_mtok = out_price;
      info->context_length = context;
      info->fetched_us = fetched_us;
      g_hash_table_add (seen, info->id);
      g_ptr_array_add (models, info);
    }

  if (models->len == 0)
    {
      g_set_error (error, WF_MODEL_ROUTER_ERROR, WF_MODEL_ROUTER_ERROR_MALFORMED,
                   _("The model list has no usable model (%u rejected)."), n_rejected);
      return NULL;
    }

  if (out_n_rejected)
    *out_n_rejected = n_rejected;

  return g_steal_pointer (&models);
}

static gint64
default_clock (gpointer user_data)
{
  return g_get_monotonic_time ();
}

static void
wf_model_router_finalize (GObject *object)
{
  WfModelRouter *self = (WfModelRouter *) object;

  g_clear_pointer (&self->models, g_hash_table_unref);
  g_clear_pointer (&self->circuits, g_hash_table_unref);
  g_clear_pointer (&self->default_model, g_free);
  g_clear_pointer (&self->fallback_model, g_free);
  g_clear_pointer (&self->chain, g_ptr_array_unref);
  g_clear_pointer (&self->last_choice, wf_model_choice_free);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (wf_model_router_parent_class)->finalize (object);
}

static void
wf_model_router_class_init (WfModelRouterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wf_model_router_finalize;
}

static void
merge_models_locked (WfModelRouter *self,
                     GPtrArray     *models)
{
  for (guint i = 0; models != NULL && i < models->len; i++)
    {
      const WfModelInfo *info = g_ptr_array_index (models, i);

      if (info->id == NULL)
        continue;
      g_hash_table_replace (self->models, g_strdup (info->id), wf_model_info_copy (info));
    }
}

static void
wf_model_router_init (WfModelRouter *self)
{
  g_autoptr(GPtrArray) defaults = wf_model_catalogue_defaults ();

  g_mutex_init (&self->mutex);
  self->models = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) wf_model_info_free);
  self->circuits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->chain = g_ptr_array_new_with_free_func (g_free);
  self->clock = default_clock;
  self->cooldown_us = WF_CIRCUIT_DEFAULT_COOLDOWN_US;
  self->threshold = WF_CIRCUIT_DEFAULT_THRESHOLD;
  self->default_model = g_strdup ("openai/gpt-4o-mini");
  self->fallback_model = g_strdup ("meta-llama/llama-3.1-8b-instruct");
  merge_models_locked (self, defaults);
}

WfModelRouter *
wf_model_router_new (void)
{
  return g_object_new (WF_TYPE_MODEL_ROUTER, NULL);
}

void
wf_model_router_set_clock (WfModelRouter     *self,
                           WfRouterClockFunc  clock,
                           gpointer           user_data)
{
  g_return_if_fail (WF_IS_MODEL_ROUTER (self));

  g_mutex_lock (&self->mutex);
  self->clock = clock ? clock : default_clock;
  self->clock_data = clock ? user_data : NULL;
  g_mutex_unlock (&self->mutex);
}

void
wf_model_router_set_cooldown (WfModelRouter *self,
                              gint64         cooldown_us)
{
  g_return_if_fail (WF_IS_MODEL_ROUTER (self));
  g_return_if_fail (cooldown_us >= 0);

  g_mutex_lock (&self->mutex);
  self->cooldown_us = cooldown_us;
  g_mutex_unlock (&self->mutex);
}

void
wf_model_router_set_threshold (WfModelRouter *self,
                               guint          n_failures)
{
  g_return_if_fail (WF_IS_MODEL_ROUTER (self));
  g_return_if_fail (n_failures > 0);

  g_mutex_lock (&self->mutex);
  self->threshold = n_failures;
  g_mutex_unlock (&self->mutex);
}

gboolean
wf_model_router_load_cache (WfModelRouter  *self,
                            WfStore        *store,
                            GError        **error)
{
  g_autoptr(GPtrArray) cached = NULL;
  g_autofree char *fetched = NULL;
  gint64 fetched_us = 0;

  g_return_val_if_fail (WF_IS_MODEL_ROUTER (self), FALSE);
  g_return_val_if_fail (WF_IS_STORE (store), FALSE);

  cached = wf_store_list_models (store, NULL, error);
  if (cached == NULL)
    return FALSE;
  fetched = wf_store_dup_meta (store, META_FETCHED_KEY, NULL);
  if (fetched != NULL)
    g_ascii_string_to_signed (fetched, 10, 0, G_MAXINT64, &fetched_us, NULL);

  g_mutex_lock (&self->mutex);
  merge_models_locked (self, cached);
  if (fetched_us > 0)
    self->fetched_us = fetched_us;
  g_mutex_unlock (&self->mutex);

  return TRUE;
}

gboolean
wf_model_router_refresh_from_json (WfModelRouter  *self,
                                   WfStore        *store,
                                   const char     *json,
                                   gssize          length,
                                   guint          *out_n_models,
                                   GError        **error)
{
  g_autoptr(GPtrArray) models = NULL;
  g_autofree char *fetched_text = NULL;
  gint64 now = g_get_real_time ();
  guint n_rejected = 0;

  g_return_val_if_fail (WF_IS_MODEL_ROUTER (self), FALSE);
  g_return_val_if_fail (store == NULL || WF_IS_STORE (store), FALSE);

  models = wf_model_catalogue_parse_openrouter (json, length, now, &n_rejected, error);
  if (models == NULL)
    return FALSE;
  if (n_rejected > 0)
    g_message ("Model list: %u entries rejected (bad id or price)", n_rejected);

  if (store != NULL)
    {
      fetched_text = g_strdup_printf ("%" G_GINT64_FORMAT, now);
      if (!wf_store_upsert_models (store, models, error)
          || !wf_store_set_meta (store, META_FETCHED_KEY, fetched_text, error))
        return FALSE;
    }

  g_mutex_lock (&self->mutex);
  merge_models_locked (self, models);
  self->fetched_us = now;
  g_mutex_unlock (&self->mutex);

  if (out_n_models)
    *out_n_models = models->len;

  return TRUE;
}

gint64
wf_model_router_get_fetched_us (WfModelRouter *self)
{
  gint64 value;

  g_return_val_if_fail (WF_IS_MODEL_ROUTER (self), 0);

  g_mutex_lock (&self->mutex);
  value = self->fetched_us;
  g_mutex_unlock (&self->mutex);

  return value;
}

char *
wf_model_router_fetch_list (SoupSession   *session,
                            const char    *base_url,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GByteArray) buffer = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *url = NULL;
  const char *base = base_url;
  guint8 chunk[16384];
  guint status;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);

  if (base == NULL)
    base = g_getenv ("WHATIF_OPENROUTER_URL");
  if (base == NULL || *base == '\0')
    base = DEFAULT_OPENROUTER_URL;
  url = g_str_has_suffix (base, "/") ? g_strconcat (base, "models", NULL)
                                     : g_strconcat (base, "/models", NULL);

  msg = soup_message_new (SOUP_METHOD_GET, url);
  if (msg == NULL)
    {
      g_set_error (error, WF_MODEL_ROUTER_ERROR, WF_MODEL_ROUTER_ERROR_INVALID,
                   _("“%s” is not a valid address."), url);
      return NULL;
    }

  stream = soup_session_send (session, msg, cancellable, &local_error);
  if (stream == NULL)
    {
      g_set_error (error, WF_MODEL_ROUTER_ERROR, WF_MODEL_ROUTER_ERROR_NETWORK,
                   _("Could not fetch the model list: %s"), local_error->message);
      return NULL;
    }
  status = soup_message_get_status (msg);
  if (status != SOUP_STATUS_OK)
    {
      g_set_error (error, WF_MODEL_ROUTER_ERROR, WF_MODEL_ROUTER_ERROR_NETWORK,
                   _("The model list request failed with HTTP %u."), status);
      return NULL;
    }

  buffer = g_byte_array_new ();
  for (;;)
    {
      gssize n = g_input_stream_read (stream, chunk, sizeof chunk, cancellable, &local_error);

      if (n < 0)
        {
          g_set_error (error, WF_MODEL_ROUTER_ERROR, WF_MODEL_ROUTER_ERROR_NETWORK,
                       _("The model list was cut off: %s"), local_error->message);
          return NULL;
        }
      if (n == 0)
        break;
      if (buffer->len + (gsize) n > WF_MODEL_LIST_MAX_BYTES)
        {
          g_set_error (error, WF_MODEL_ROUTER_ERROR, WF_MODEL_ROUTER_ERROR_TOO_LARGE,
                       _("The model list is larger than %d MB; it was not read."),
                       WF_MODEL_LIST_MAX_BYTES / (1024 * 1024));
          return NULL;
        }
      g_byte_array_append (buffer, chunk, (guint) n);
    }
  g_input_stream_close (stream, NULL, NULL);

  g_byte_array_append (buffer, (const guint8 *) "", 1);
  return (char *) g_byte_array_free (g_steal_pointer (&buffer), FALSE);
}

static gint
compare_model_id (gconstpointer a,
                  gconstpointer b)
{
  const WfModelInfo *ma = *(const WfModelInfo * const *) a;
  const WfModelInfo *mb = *(const WfModelInfo * const *) b;

  return g_strcmp0 (ma->id, mb->id);
}

GPtrArray *
wf_model_router_dup_catalogue (WfModelRouter *self)
{
  GPtrArray *out;
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (WF_IS_MODEL_ROUTER (self), NULL);

  out = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_model_info_free);
  g_mutex_lock (&self->mutex);
  g_hash_table_iter_init (&iter, self->models);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (out, wf_model_info_copy (value));
  g_mutex_unlock (&self->mutex);
  g_ptr_array_sort (out, compare_model_id);

  return out;
}

WfModelInfo *
wf_model_router_dup_model (WfModelRouter *self,
                           const char    *model_id)
{
  WfModelInfo *info;

  g_return_val_if_fail (WF_IS_MODEL_ROUTER (self), NULL);

  if (model_id == NULL)
    return NULL;

  g_mutex_lock (&self->mutex);
  info = g_hash_table_lookup (self->models, model_id);
  info = info ? wf_model_info_copy (info) : NULL;
  g_mutex_unlock (&self->mutex);

  return info;
}

void
wf_model_router_configure (WfModelRouter      *self,
                           const char         *default_model,
                           const char         *fallback_model,
                           const char * const *chain)
{
  g_return_if_fail (WF_IS_MODEL_ROUTER (self));

  g_mutex_lock (&self->mutex);
  g_free (self->default_model);
  self->default_model = g_strdup (default_model);
  g_free (self->fallback_model);
  self->fallback_model = g_strdup (fallback_model);
  g_ptr_array_set_size (self->chain, 0);
  for (guint i = 0; chain != NULL && chain[i] != NULL; i++)
    g_ptr_array_add (self->chain, g_strdup (chain[i]));
  g_mutex_unlock (&self->mutex);
}

static Circuit *
circuit_lookup_locked (WfModelRouter *self,
                       const char    *model_id)
{
  Circuit *c = g_hash_table_lookup (self->circuits, model_id);

  if (c == NULL)
    {
      c = g_new0 (Circuit, 1);
      c->state = WF_CIRCUIT_CLOSED;
      g_hash_table_insert (self->circuits, g_strdup (model_id), c);
    }

  return c;
}

/* Moves an open circuit to half-open once its cool-down is over. */
static void
circuit_tick_locked (WfModelRouter *self,
                     Circuit       *c,
                     gint64         now)
{
  if (c->state == WF_CIRCUIT_OPEN && now - c->opened_us >= self->cooldown_us)
    {
      c->state = WF_CIRCUIT_HALF_OPEN;
      c->trial_in_flight = FALSE;
    }
  /* A trial whose caller never reported back (crash, cancel) must not keep
   * the model out forever. */
  if (c->state == WF_CIRCUIT_HALF_OPEN && c->trial_in_flight
      && now - c->trial_us >= self->cooldown_us)
    c->trial_in_flight = FALSE;
}

static const char *
provider_of_locked (WfModelRouter *self,
                    const char    *model_id)
{
  WfModelInfo *info = g_hash_table_lookup (self->models, model_id);

  return info ? info->provider : NULL;
}

static gboolean
provider_is_free (const char *provider)
{
  return g_strcmp0 (provider, "local") == 0 || g_strcmp0 (provider, "offline") == 0;
}

static void
add_candidate (GPtrArray  *candidates,
               const char *id)
{
  if (id == NULL || *id == '\0')
    return;
  for (guint i = 0; i < candidates->len; i++)
    if (g_str_equal (g_ptr_array_index (candidates, i), id))
      return;
  g_ptr_array_add (candidates, (gpointer) id);
}

WfModelChoice *
wf_model_router_choose (WfModelRouter *self,
                        WfBudgetState  budget_state)
{
  g_autoptr(GPtrArray) candidates = g_ptr_array_new ();
  g_autoptr(GString) skipped = g_string_new (NULL);
  WfModelChoice *choice;
  gboolean degraded = budget_state == WF_BUDGET_DEGRADED;
  gboolean stopped = budget_state == WF_BUDGET_STOPPED;
  gboolean any_paid_skipped = FALSE;
  gint64 now;

  g_return_val_if_fail (WF_IS_MODEL_ROUTER (self), NULL);

  choice = g_new0 (WfModelChoice, 1);
  choice->reason = WF_MODEL_CHOICE_NONE_CONFIGURED;

  g_mutex_lock (&self->mutex);
  now = self->clock (self->clock_data);
  choice->chosen_us = now;

  if (degraded && self->fallback_model != NULL)
    add_candidate (candidates, self->fallback_model);
  else
    add_candidate (candidates, self->default_model);
  for (guint i = 0; i < self->chain->len; i++)
    {
      const char *id = g_ptr_array_index (self->chain, i);

      /* When the budget is Degraded the expensive default stays out. */
      if (degraded && self->fallback_model != NULL && g_strcmp0 (id, self->default_model) == 0)
        continue;
      add_candidate (candidates, id);
    }
  if (!degraded || self->fallback_model == NULL)
    add_candidate (candidates, self->fallback_model);

  for (guint i = 0; i < candidates->len; i++)
    {
      const char *id = g_ptr_array_index (candidates, i);
      const char *provider = provider_of_locked (self, id);
      Circuit *c;

      if (stopped && !provider_is_free (provider))
        {
          any_paid_skipped = TRUE;
          continue;
        }

      c = circuit_lookup_locked (self, id);
      circuit_tick_locked (self, c, now);

      if (c->state == WF_CIRCUIT_CLOSED
          || (c->state == WF_CIRCUIT_HALF_OPEN && !c->trial_in_flight))
        {
          choice->model_id = g_strdup (id);
          choice->provider = g_strdup (provider);
          if (c->state == WF_CIRCUIT_HALF_OPEN)
            {
              c->trial_in_flight = TRUE;
              c->trial_us = now;
              choice->reason = WF_MODEL_CHOICE_TRIAL;
            }
          else if (skipped->len > 0)
            choice->reason = WF_MODEL_CHOICE_CIRCUIT_FALLBACK;
          else if (degraded && g_strcmp0 (id, self->fallback_model) == 0)
            choice->reason = WF_MODEL_CHOICE_BUDGET_FALLBACK;
          else
            choice->reason = WF_MODEL_CHOICE_DEFAULT;
          break;
        }

      if (skipped->len > 0)
        g_string_append_c (skipped, ',');
      g_string_append (skipped, id);
    }

  if (choice->model_id == NULL)
    {
      if (stopped && any_paid_skipped && skipped->len == 0)
        choice->reason = WF_MODEL_CHOICE_NONE_BUDGET;
      else if (skipped->len > 0)
        choice->reason = WF_MODEL_CHOICE_NONE_CIRCUITS;
      else
        choice->reason = WF_MODEL_CHOICE_NONE_CONFIGURED;
    }
  if (skipped->len > 0)
    choice->skipped = g_strdup (skipped->str);

  switch (choice->reason)
    {
    case WF_MODEL_CHOICE_DEFAULT:
      choice->message = g_strdup_printf (_("Using %s, the default model."), choice->model_id);
      break;
    case WF_MODEL_CHOICE_BUDGET_FALLBACK:
      choice->message = g_strdup_printf (_("Using the cheaper %s: the budget is nearly used up."),
                                         choice->model_id);
      break;
    case WF_MODEL_CHOICE_CIRCUIT_FALLBACK:
      choice->message = g_strdup_printf (_("Using %s: %s kept failing and is paused."),
                                         choice->model_id, choice->skipped);
      break;
    case WF_MODEL_CHOICE_TRIAL:
      choice->message = g_strdup_printf (_("Trying %s again after repeated failures."),
                                         choice->model_id);
      break;
    case WF_MODEL_CHOICE_NONE_BUDGET:
      choice->message = g_strdup (_("The budget is used up: only the offline or local model can answer."));
      break;
    case WF_MODEL_CHOICE_NONE_CIRCUITS:
      choice->message = g_strdup_printf (_("Every configured model is failing (%s): using the offline model."),
                                         choice->skipped);
      break;
    case WF_MODEL_CHOICE_NONE_CONFIGURED:
    default:
      choice->message = g_strdup (_("No remote model is configured: using the offline model."));
      break;
    }

  g_clear_pointer (&self->last_choice, wf_model_choice_free);
  self->last_choice = wf_model_choice_copy (choice);
  g_mutex_unlock (&self->mutex);

  return choice;
}

WfModelChoice *
wf_model_router_dup_last_choice (WfModelRouter *self)
{
  WfModelChoice *copy;

  g_return_val_if_fail (WF_IS_MODEL_ROUTER (self), NULL);

  g_mutex_lock (&self->mutex);
  copy = wf_model_choice_copy (self->last_choice);
  g_mutex_unlock (&self->mutex);

  return copy;
}

void
wf_model_router_report_success (WfModelRouter *self,
                                const char    *model_id)
{
  Circuit *c;

  g_return_if_fail (WF_IS_MODEL_ROUTER (self));
  g_return_if_fail (model_id != NULL);

  g_mutex_lock (&self->mutex);
  c = circuit_lookup_locked (self, model_id);
  c->state = WF_CIRCUIT_CLOSED;
  c->failures = 0;
  c->trial_in_flight = FALSE;
  g_mutex_unlock (&self->mutex);
}

void
wf_model_router_report_failure (WfModelRouter *self,
                                const char    *model_id)
{
  Circuit *c;
  gint64 now;

  g_return_if_fail (WF_IS_MODEL_ROUTER (self));
  g_return_if_fail (model_id != NULL);

  g_mutex_lock (&self->mutex);
  now = self->clock (self->clock_data);
  c = circuit_lookup_locked (self, model_id);
  circuit_tick_locked (self, c, now);
  if (c->failures < G_MAXUINT)
    c->failures++;

  switch (c->state)
    {
    case WF_CIRCUIT_CLOSED:
      if (c->failures >= self->threshold)
        {
          c->state = WF_CIRCUIT_OPEN;
          c->opened_us = now;
          g_message ("Circuit for %s opened after %u consecutive failures", model_id, c->failures);
        }
      break;
    case WF_CIRCUIT_HALF_OPEN:
      /* The trial failed: another full cool-down. */
      c->state = WF_CIRCUIT_OPEN;
      c->opened_us = now;
      c->trial_in_flight = FALSE;
      break;
    case WF_CIRCUIT_OPEN:
    default:
      break;
    }
  g_mutex_unlock (&self->mutex);
}

WfCircuitState
wf_model_router_get_circuit_state (WfModelRouter *self,
                                   const char    *model_id)
{
  WfCircuitState state = WF_CIRCUIT_CLOSED;
  Circuit *c;

  g_return_val_if_fail (WF_IS_MODEL_ROUTER (self), WF_CIRCUIT_CLOSED);
  g_return_val_if_fail (model_id != NULL, WF_CIRCUIT_CLOSED);

  g_mutex_lock (&self->mutex);
  c = g_hash_table_lookup (self->circuits, model_id);
  if (c != NULL)
    {
      circuit_tick_locked (self, c, self->clock (self->clock_data));
      state = c->state;
    }
  g_mutex_unlock (&self->mutex);

  return state;
}

guint
wf_model_router_get_failures (WfModelRouter *self,
                              const char    *model_id)
{
  guint n = 0;
  Circuit *c;

  g_return_val_if_fail (WF_IS_MODEL_ROUTER (self), 0);
  g_return_val_if_fail (model_id != NULL, 0);

  g_mutex_lock (&self->mutex);
  c = g_hash_table_lookup (self->circuits, model_id);
  if (c != NULL)
    n = c->failures;
  g_mutex_unlock (&self->mutex);

  return n;
}
