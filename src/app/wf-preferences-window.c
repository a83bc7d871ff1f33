/* wf-preferences-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything but the API keys and the budget is a GSettings key bound to its
 * row. Keys go to the keyring through wf-secrets and are never read back: the
 * row only says whether one is set. Budget limits live in the store so that
 * the CLI and the app enforce the same ones.
 */
#define G_LOG_DOMAIN "wf-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "wf-preferences-window.h"

#include "wf-secrets.h"

struct _WfPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  AdwComboRow          *provider_row;
  AdwComboRow          *model_row;
  AdwEntryRow          *local_url_row;
  AdwEntryRow          *local_model_row;
  AdwPasswordEntryRow  *openrouter_key_row;
  AdwPasswordEntryRow  *cohere_key_row;
  AdwPasswordEntryRow  *e2b_key_row;
  GtkSwitch            *ask_before_switch;
  AdwEntryRow          *currency_row;
  GtkSwitch            *csv_bom_switch;
  GtkSpinButton        *monthly_spin;
  GtkSpinButton        *session_spin;
  GtkSpinButton        *run_spin;
  GtkSpinButton        *warn_spin;
  GtkSpinButton        *degrade_spin;
  AdwComboRow          *sandbox_row;
  GtkSpinButton        *wall_spin;
  GtkSpinButton        *cpu_spin;
  GtkSpinButton        *memory_spin;
  GtkSpinButton        *output_spin;
  GtkSpinButton        *rows_spin;
  GtkSpinButton        *concurrency_spin;
  GtkSwitch            *telemetry_switch;
  AdwEntryRow          *telemetry_endpoint_row;

  GSettings            *settings;
  WfStore              *store;
  GPtrArray            *model_ids;
  gboolean              loading_budget;
};

G_DEFINE_FINAL_TYPE (WfPreferencesWindow, wf_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static const char *provider_choices[] = { "auto", "offline", "openrouter", "cohere", "local", NULL };
static const char *sandbox_choices[] = { "auto", "bwrap", "e2b", NULL };

static gboolean
choice_get_mapping (GValue   *value,
                    GVariant *variant,
                    gpointer  user_data)
{
  const char * const *choices = user_data;
  const char *str = g_variant_get_string (variant, NULL);

  for (guint i = 0; choices[i]; i++)
    if (g_strcmp0 (choices[i], str) == 0)
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
choice_set_mapping (const GValue       *value,
                    const GVariantType *expected_type,
                    gpointer            user_data)
{
  const char * const *choices = user_data;
  guint i = g_value_get_uint (value);

  if (i >= g_strv_length ((char **) choices))
    return NULL;
  return g_variant_new_string (choices[i]);
}

/* API keys */

/* Whether a key is in use for the provider (from the keyring or the
 * environment). Never reads the value itself. */
static gboolean
provider_key_is_set (const char *provider)
{
  g_autoptr(GArray) status = NULL;
  WfSecretKind kind;

  if (provider == NULL || !wf_secret_kind_from_string (provider, &kind))
    return FALSE;

  status = wf_secrets_status (NULL, NULL);
  for (guint i = 0; status != NULL && i < status->len; i++)
    {
      const WfSecretStatus *s = &g_array_index (status, WfSecretStatus, i);

      if (s->kind == kind)
        return s->source != WF_SECRET_SOURCE_NONE;
    }

  return FALSE;
}

static void
update_key_row (AdwPasswordEntryRow *row)
{
  const char *provider = g_object_get_data (G_OBJECT (row), "wf-provider");
  GtkWidget *status = g_object_get_data (G_OBJECT (row), "wf-status");
  GtkWidget *clear = g_object_get_data (G_OBJECT (row), "wf-clear");
  gboolean is_set = FALSE;

  is_set = provider_key_is_set (provider);

  gtk_label_set_text (GTK_LABEL (status), is_set ? _("Set") : _("Not set"));
  gtk_widget_set_visible (clear, is_set);
}

static void
key_apply_cb (AdwEntryRow         *row,
              WfPreferencesWindow *self)
{
  const char *provider = g_object_get_data (G_OBJECT (row), "wf-provider");
  g_autofree char *key = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  g_autoptr(GError) error = NULL;

  /* Never keep the key in the widget once it is stored. */
  gtk_editable_set_text (GTK_EDITABLE (row), "");

  if (*key == '\0')
    return;
  if (strlen (key) > 1024)
    {
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("That key is too long to be an API key"));
    }
  else
    {
      WfSecretKind kind;

      if (wf_secret_kind_from_string (provider, &kind))
        wf_secrets_store_sync (kind, key, NULL, &error);
    }
  memset (key, 0, strlen (key));

  if (error != NULL)
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                      adw_toast_new (error->message));
  update_key_row (ADW_PASSWORD_ENTRY_ROW (row));
}

static void
key_clear_cb (GtkButton           *button,
              WfPreferencesWindow *self)
{
  AdwPasswordEntryRow *row = g_object_get_data (G_OBJECT (button), "wf-row");
  g_autoptr(GError) error = NULL;

  {
    WfSecretKind kind;

    if (wf_secret_kind_from_string (g_object_get_data (G_OBJECT (row), "wf-provider"), &kind))
      wf_secrets_clear_sync (kind, NULL, &error);
  }
  if (error != NULL)
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                      adw_toast_new (error->message));
  update_key_row (row);
}

static void
setup_key_row (WfPreferencesWindow *self,
               AdwPasswordEntryRow *row,
               const char          *provider)
{
  GtkWidget *status = gtk_label_new (NULL);
  GtkWidget *clear = gtk_button_new_from_icon_name ("edit-clear-symbolic");

  gtk_widget_add_css_class (status, "dim-label");
  gtk_widget_add_css_class (clear, "flat");
  gtk_widget_set_valign (clear, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (clear, _("Remove Key"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (clear),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Remove key"), -1);
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), status);
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), clear);
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);

  g_object_set_data (G_OBJECT (row), "wf-provider", (gpointer) provider);
  g_object_set_data (G_OBJECT (row), "wf-status", status);
  g_object_set_data (G_OBJECT (row), "wf-clear", clear);
  g_object_set_data (G_OBJECT (clear), "wf-row", row);
  g_signal_connect_object (row, "apply", G_CALLBACK (key_apply_cb), self, 0);
  g_signal_connect_object (clear, "clicked", G_CALLBACK (key_clear_cb), self, 0);
  update_key_row (row);
}

/* Models */

static char *
model_label (const WfModelInfo *info)
{
  if (info->input_micros_per_mtok >= 0 && info->output_micros_per_mtok >= 0)
    /* Translators: a model id, then its prices in dollars per million tokens read and written */
    return g_strdup_printf (_("%s — $%.2f in / $%.2f out per million tokens"), info->id,
                            wf_micros_to_usd (info->input_micros_per_mtok),
                            wf_micros_to_usd (info->output_micros_per_mtok));
  return g_strdup (info->id);
}

static void
model_selected_cb (WfPreferencesWindow *self)
{
  guint i = adw_combo_row_get_selected (self->model_row);

  if (i < self->model_ids->len)
    g_settings_set_string (self->settings, "model", g_ptr_array_index (self->model_ids, i));
}

static void
load_models (WfPreferencesWindow *self)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) models = NULL;
  g_autofree char *current = g_settings_get_string (self->settings, "model");
  guint selected = 0;
  gboolean found = FALSE;

  g_ptr_array_set_size (self->model_ids, 0);
  if (self->store != NULL)
    models = wf_store_list_models (self->store, "openrouter", NULL);

  for (guint i = 0; models && i < models->len; i++)
    {
      const WfModelInfo *info = g_ptr_array_index (models, i);
      g_autofree char *label = model_label (info);

      if (g_strcmp0 (info->id, current) == 0)
        {
          selected = self->model_ids->len;
          found = TRUE;
        }
      g_ptr_array_add (self->model_ids, g_strdup (info->id));
      gtk_string_list_append (labels, label);
    }
  if (!found)
    {
      selected = self->model_ids->len;
      g_ptr_array_add (self->model_ids, g_strdup (current));
      gtk_string_list_append (labels, current);
    }

  g_signal_handlers_block_by_func (self->model_row, model_selected_cb, self);
  adw_combo_row_set_model (self->model_row, G_LIST_MODEL (labels));
  adw_combo_row_set_selected (self->model_row, selected);
  g_signal_handlers_unblock_by_func (self->model_row, model_selected_cb, self);
}

/* Budget */

static double
limit_to_dollars (gint64 micros)
{
  return micros < 0 ? 0.0 : wf_micros_to_usd (micros);
}

static gint64
dollars_to_limit (double dollars)
{
  /* 0 reads as "no limit", as the row's subtitle says. */
  return dollars <= 0.0 ? -1 : wf_usd_to_micros (dollars);
}

static void
load_budget (WfPreferencesWindow *self)
{
  WfBudgetLimits limits;
  gboolean ok;

  ok = self->store != NULL && wf_store_get_budget_limits (self->store, &limits, NULL);
  gtk_widget_set_sensitive (gtk_widget_get_ancestor (GTK_WIDGET (self->monthly_spin),
                                                     ADW_TYPE_PREFERENCES_GROUP), ok);
  if (!ok)
    return;

  self->loading_budget = TRUE;
  gtk_spin_button_set_value (self->monthly_spin, limit_to_dollars (limits.monthly_micros));
  gtk_spin_button_set_value (self->session_spin, limit_to_dollars (limits.session_micros));
  gtk_spin_button_set_value (self->run_spin, limit_to_dollars (limits.run_micros));
  gtk_spin_button_set_value (self->warn_spin, limits.warn_ratio * 100.0);
  gtk_spin_button_set_value (self->degrade_spin, limits.degrade_ratio * 100.0);
  self->loading_budget = FALSE;
}

static void
budget_changed_cb (WfPreferencesWindow *self)
{
  WfBudgetLimits limits;
  g_autoptr(GError) error = NULL;

  if (self->loading_budget || self->store == NULL)
    return;

  limits.monthly_micros = dollars_to_limit (gtk_spin_button_get_value (self->monthly_spin));
  limits.session_micros = dollars_to_limit (gtk_spin_button_get_value (self->session_spin));
  limits.run_micros = dollars_to_limit (gtk_spin_button_get_value (self->run_spin));
  limits.warn_ratio = gtk_spin_button_get_value (self->warn_spin) / 100.0;
  limits.degrade_ratio = gtk_spin_button_get_value (self->degrade_spin) / 100.0;
  if (limits.degrade_ratio < limits.warn_ratio)
    limits.degrade_ratio = limits.warn_ratio;

  if (!wf_store_set_budget_limits (self->store, &limits, &error))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                      adw_toast_new (error->message));
}

static void
wf_preferences_window_dispose (GObject *object)
{
  WfPreferencesWindow *self = (WfPreferencesWindow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), WF_TYPE_PREFERENCES_WINDOW);

  g_clear_object (&self->settings);
  g_clear_object (&self->store);
  g_clear_pointer (&self->model_ids, g_ptr_array_unref);

  G_OBJECT_CLASS (wf_preferences_window_parent_class)->dispose (object);
}

static void
wf_preferences_window_class_init (WfPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wf_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/whatif/WhatIf/wf-preferences-window.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, WfPreferencesWindow, name)
  BIND (provider_row);
  BIND (model_row);
  BIND (local_url_row);
  BIND (local_model_row);
  BIND (openrouter_key_row);
  BIND (cohere_key_row);
  BIND (e2b_key_row);
  BIND (ask_before_switch);
  BIND (currency_row);
  BIND (csv_bom_switch);
  BIND (monthly_spin);
  BIND (session_spin);
  BIND (run_spin);
  BIND (warn_spin);
  BIND (degrade_spin);
  BIND (sandbox_row);
  BIND (wall_spin);
  BIND (cpu_spin);
  BIND (memory_spin);
  BIND (output_spin);
  BIND (rows_spin);
  BIND (concurrency_spin);
  BIND (telemetry_switch);
  BIND (telemetry_endpoint_row);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, budget_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, model_selected_cb);
}

static void
wf_preferences_window_init (WfPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  self->model_ids = g_ptr_array_new_with_free_func (g_free);

  g_settings_bind_with_mapping (self->settings, "provider", self->provider_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, choice_get_mapping, choice_set_mapping,
                                (gpointer) provider_choices, NULL);
  g_settings_bind_with_mapping (self->settings, "sandbox-backend", self->sandbox_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, choice_get_mapping, choice_set_mapping,
                                (gpointer) sandbox_choices, NULL);
  g_settings_bind (self->settings, "local-server-url", self->local_url_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "local-model", self->local_model_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "ask-before-running", self->ask_before_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "currency", self->currency_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "csv-bom", self->csv_bom_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "limit-wall-seconds", self->wall_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "limit-cpu-seconds", self->cpu_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "limit-memory-mib", self->memory_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "limit-output-kib", self->output_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "limit-table-rows", self->rows_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "sandbox-concurrency", self->concurrency_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "telemetry-enabled", self->telemetry_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "telemetry-endpoint", self->telemetry_endpoint_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_object_bind_property (self->telemetry_switch, "active",
                          self->telemetry_endpoint_row, "sensitive", G_BINDING_SYNC_CREATE);

  setup_key_row (self, self->openrouter_key_row, "openrouter");
  setup_key_row (self, self->cohere_key_row, "cohere");
  setup_key_row (self, self->e2b_key_row, "e2b");

  load_models (self);
  load_budget (self);
}

GtkWidget *
wf_preferences_window_new (GtkWindow *parent,
                           WfStore   *store)
{
  WfPreferencesWindow *self;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (!store || WF_IS_STORE (store), NULL);

  self = g_object_new (WF_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);
  wf_preferences_window_set_store (self, store);

  return GTK_WIDGET (self);
}

void
wf_preferences_window_set_store (WfPreferencesWindow *self,
                                 WfStore             *store)
{
  g_return_if_fail (WF_IS_PREFERENCES_WINDOW (self));
  g_return_if_fail (!store || WF_IS_STORE (store));

  if (g_set_object (&self->store, store))
    {
      load_models (self);
      load_budget (self);
    }
}
