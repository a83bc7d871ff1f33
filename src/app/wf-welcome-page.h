/* wf-welcome-page.h: the empty state with example questions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define WF_TYPE_WELCOME_PAGE (wf_welcome_page_get_type ())
G_DECLARE_FINAL_TYPE (WfWelcomePage, wf_welcome_page, WF, WELCOME_PAGE, GtkWidget)

GtkWidget *wf_welcome_page_new (void);

G_END_DECLS
