/* wf-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-window"

#include "config.h"

#include <glib/gi18n.h>

#include "wf-window.h"

struct _WfWindow
{
  AdwApplicationWindow parent_instance;
};

G_DEFINE_FINAL_TYPE (WfWindow, wf_window, ADW_TYPE_APPLICATION_WINDOW)

WfWindow *
wf_window_new (WfApplication *application)
{
  return g_object_new (WF_TYPE_WINDOW, "application", application, NULL);
}

static void
wf_window_class_init (WfWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/whatif/WhatIf/wf-window.ui");
}

static void
wf_window_init (WfWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
