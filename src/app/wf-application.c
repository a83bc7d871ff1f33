/* wf-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-application"

#include "config.h"

#include <glib/gi18n.h>

#include "wf-application.h"
#include "wf-window.h"

struct _WfApplication
{
  AdwApplication parent_instance;
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

static void
wf_application_activate (GApplication *app)
{
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    window = GTK_WINDOW (wf_window_new (WF_APPLICATION (app)));

  gtk_window_present (window);
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
};

static void
wf_application_startup (GApplication *app)
{
  const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (wf_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
}

static void
wf_application_class_init (WfApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = wf_application_activate;
  app_class->startup = wf_application_startup;
}

static void
wf_application_init (WfApplication *self)
{
}
