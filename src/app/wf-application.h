/* wf-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "wf-store.h"

G_BEGIN_DECLS

#define WF_TYPE_APPLICATION (wf_application_get_type ())
G_DECLARE_FINAL_TYPE (WfApplication, wf_application, WF, APPLICATION, AdwApplication)

WfApplication *wf_application_new          (void);
GSettings     *wf_application_get_settings (WfApplication *self);
/* (nullable): the history database, opened at the first window; NULL when it
 * could not be opened (the window says why). */
WfStore       *wf_application_get_store    (WfApplication *self);

G_END_DECLS
