/* wf-preferences-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "wf-store.h"

G_BEGIN_DECLS

#define WF_TYPE_PREFERENCES_WINDOW (wf_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (WfPreferencesWindow, wf_preferences_window, WF, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* @store (nullable): where the budget limits and the model catalogue live. */
GtkWidget *wf_preferences_window_new       (GtkWindow           *parent,
                                            WfStore             *store);
void       wf_preferences_window_set_store (WfPreferencesWindow *self,
                                            WfStore             *store);

G_END_DECLS
