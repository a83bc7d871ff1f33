/* wf-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "wf-application.h"

G_BEGIN_DECLS

#define WF_TYPE_WINDOW (wf_window_get_type ())
G_DECLARE_FINAL_TYPE (WfWindow, wf_window, WF, WINDOW, AdwApplicationWindow)

WfWindow *wf_window_new (WfApplication *application);

G_END_DECLS
