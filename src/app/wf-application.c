/* wf-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-application"

#include "config.h"

#include <glib/gi18n.h>

#include "wf-application.h"
#include "wf-currency.h"
#include "wf-format.h"
#include "wf-preferences-window.h"
#include "wf-window.h"
#include "wf-pipeline-asker.h"
#include "wf-pipeline-providers.h"
#include "wf-bench-hooks.h"

struct _WfApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  WfStore        *store;
  GError         *store_error;
  WfPipeline     *pipeline;
  WfSandbox      *sandbox;
  WfPipelineAsker *asker;
  gboolean        warmed;
};

G_DEFINE_FINAL_TYPE (WfApplication, wf_application, ADW_TYPE_APPLICATION)

WfApplication *
wf_application_new (void)
{
  return g_object_new (WF_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/whatif/WhatIf",
                       NULL);
}

GSettings *
wf_application_get_settings (WfApplication *self)
{
  g_return_val_if_fail (WF_IS_APPLICATION (self), NULL);

  return self->settings;
}

WfStore *
wf_application_get_store (WfApplication *self)
{
  g_return_val_if_fail (WF_IS_APPLICATION (self), NULL);

  if (self->store == NULL && self->store_error == NULL)
    {
      g_autofree char *path = wf_store_dup_default_path ();

      self->store = wf_store_open (path, &self->store_error);
    }

  return self->store;
}

/* The remote provider the settings ask for, NULL for offline. The local
 * server's address is a setting; WHATIF_LOCAL_URL still wins (headless use). */
static WfLlmProvider *
remote_provider_new (WfApplication *self,
                     const char    *provider)
{
  g_autofree char *url = NULL;

  if (g_str_equal (provider, "offline"))
    return NULL;
  if (g_str_equal (provider, "local") && g_getenv ("WHATIF_LOCAL_URL") == NULL)
    url = g_settings_get_string (wf_application_get_settings (self), "local-server-url");
  return wf_pipeline_provider_new_with_url (provider, url != NULL && *url != '\0' ? url : NULL);
}

/* Questions that name no currency are answered in the one the preferences
 * (or the region) give, like the money the app shows. */
static void
currency_changed_cb (GSettings     *settings,
                     const char    *key,
                     WfApplication *self)
{
  /* Read through SETTINGS too: GSettings only reports changes to keys it was read for. */
  g_autofree char *setting = g_settings_get_string (settings, "currency");
  g_autofree char *code = wf_format_currency_code ();

  (void) key;
  (void) setting;
  if (self->pipeline != NULL)
    wf_pipeline_set_currency (self->pipeline, wf_currency_code_is_valid (code) ? code : NULL);
}

/* The chat's answers come from one pipeline for the whole application, so that
 * its sandbox (and the warm zygote in it) is shared by every window. */
static WfPipelineAsker *
wf_application_get_asker (WfApplication *self)
{
  if (self->asker == NULL && self->store != NULL)
    {
      g_autofree char *setting = g_settings_get_string (wf_application_get_settings (self), "provider");
      /* "auto": openrouter once its key is set, else offline (as the CLI). */
      g_autofree char *provider = wf_pipeline_resolve_provider (setting);
      g_autoptr(WfLlmProvider) remote = remote_provider_new (self, provider);

      g_autofree char *backend = g_settings_get_string (self->settings, "sandbox-backend");
      g_autoptr(GError) error = NULL;

      /* Only created here (cheap: no process starts); the warm zygote starts
       * after the first frame, see first_frame_cb(). NULL: the pipeline
       * explains at the first run what to install. */
      self->sandbox = wf_sandbox_get_default (backend, &error);
      if (self->sandbox == NULL)
        g_debug ("No sandbox yet: %s", error->message);
      self->pipeline = wf_pipeline_new (wf_store_get_path (self->store), self->sandbox);
      g_signal_connect_object (self->settings, "changed::currency", G_CALLBACK (currency_changed_cb), self, 0);
      currency_changed_cb (self->settings, "currency", self);
      if (remote != NULL)
        wf_pipeline_add_provider (self->pipeline, remote);
      self->asker = wf_pipeline_asker_new (self->pipeline);
      wf_pipeline_asker_set_provider (self->asker, provider, NULL);
    }

  return self->asker;
}

static gboolean
warm_up_idle (gpointer user_data)
{
  WfApplication *self = user_data;

  if (self->sandbox != NULL)
    wf_sandbox_warm_up (self->sandbox);
  return G_SOURCE_REMOVE;
}

/* Slow things wait for the first frame: the window is on screen before the
 * sandbox's zygote (a Python with pandas) starts. */
static void
first_frame_cb (GdkFrameClock *clock,
                WfWindow      *window)
{
  WfApplication *self = WF_APPLICATION (gtk_window_get_application (GTK_WINDOW (window)));

  g_signal_handlers_disconnect_by_func (clock, first_frame_cb, window);
  if (self == NULL || wf_bench_hooks_first_frame (window))
    return;
  if (!self->warmed)
    {
      self->warmed = TRUE;
      g_idle_add_full (G_PRIORITY_LOW, warm_up_idle, g_object_ref (self), g_object_unref);
    }
}

static void
window_mapped_cb (GtkWidget *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  g_signal_handlers_disconnect_by_func (window, window_mapped_cb, NULL);
  if (clock != NULL)
    g_signal_connect_object (clock, "after-paint", G_CALLBACK (first_frame_cb), window, 0);
}

static void
wf_application_activate (GApplication *app)
{
  WfApplication *self = WF_APPLICATION (app);
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    {
      WfWindow *win = wf_window_new (self);

      wf_window_set_store (win, wf_application_get_store (self));
      if (self->store != NULL)
        {
          wf_window_set_asker (win, WF_ASKER (wf_application_get_asker (self)));
          wf_window_set_pipeline (win, self->pipeline);
        }
      g_signal_connect (win, "map", G_CALLBACK (window_mapped_cb), NULL);
      if (self->store_error != NULL)
        {
          g_autofree char *message =
            /* Translators: %s says why, such as "disk full" */
            g_strdup_printf (_("Your history could not be opened: %s"), self->store_error->message);
          AdwToast *toast = adw_toast_new (message);

          adw_toast_set_timeout (toast, 0);
          wf_window_add_toast (win, toast);
        }
      window = GTK_WINDOW (win);
    }

  gtk_window_present (window);
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  GApplication *app = G_APPLICATION (user_data);
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  /* Close the windows properly so they save their size and finish pending deletions. */
  while (windows != NULL)
    {
      GList *next = windows->next;

      gtk_window_close (GTK_WINDOW (windows->data));
      windows = next;
    }
  g_application_quit (app);
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  WfApplication *self = WF_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *prefs;

  prefs = wf_preferences_window_new (parent, wf_application_get_store (self));
  gtk_window_present (GTK_WINDOW (prefs));
}

static void
shortcuts_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  WfApplication *self = WF_APPLICATION (user_data);
  g_autoptr(GtkBuilder) builder = NULL;
  GtkWindow *window;

  builder = gtk_builder_new_from_resource ("/io/github/whatif/WhatIf/wf-shortcuts-window.ui");
  window = GTK_WINDOW (gtk_builder_get_object (builder, "shortcuts_window"));
  gtk_window_set_transient_for (window, gtk_application_get_active_window (GTK_APPLICATION (self)));
  gtk_window_present (window);
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  WfApplication *self = WF_APPLICATION (user_data);
  const char *developers[] = { "The What If contributors", NULL };

  adw_show_about_window (gtk_application_get_active_window (GTK_APPLICATION (self)),
                         "application-name", _("What If"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Answers money questions with small financial models that are checked and run safely on your computer."),
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
import_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  WfApplication *self = WF_APPLICATION (user_data);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  /* The window owns the file chooser and the Data section it fills. */
  if (window != NULL)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.import-data", NULL);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "preferences", preferences_activated },
  { "shortcuts", shortcuts_activated },
  { "about", about_activated },
  { "import", import_activated },
};

static void
wf_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *shortcuts_accels[] = { "<Control>question", NULL };
  static const char *import_accels[] = { "<Control>i", NULL };

  G_APPLICATION_CLASS (wf_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences", preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.shortcuts", shortcuts_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.import", import_accels);
}

static void
wf_application_dispose (GObject *object)
{
  WfApplication *self = (WfApplication *)object;

  g_clear_object (&self->settings);
  g_clear_object (&self->asker);
  g_clear_object (&self->pipeline);
  g_clear_object (&self->sandbox);
  g_clear_object (&self->store);
  g_clear_error (&self->store_error);

  G_OBJECT_CLASS (wf_application_parent_class)->dispose (object);
}

static void
wf_application_class_init (WfApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = wf_application_dispose;
  app_class->activate = wf_application_activate;
  app_class->startup = wf_application_startup;
}

static void
wf_application_init (WfApplication *self)
{
  self->settings = g_settings_new (APP_ID);
}
