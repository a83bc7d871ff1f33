/* wf-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define WF_TYPE_APPLICATION (wf_application_get_type ())
G_DECLARE_FINAL_TYPE (WfApplication, wf_application, WF, APPLICATION, AdwApplication)

WfApplication *wf_application_new (void);

G_END_DECLS
