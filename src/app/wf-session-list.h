/* wf-session-list.h: the sidebar of past sessions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "wf-store.h"

G_BEGIN_DECLS

#define WF_TYPE_SESSION_LIST (wf_session_list_get_type ())
G_DECLARE_FINAL_TYPE (WfSessionList, wf_session_list, WF, SESSION_LIST, GtkWidget)

GtkWidget  *wf_session_list_new              (void);
void        wf_session_list_set_store        (WfSessionList *self,
                                              WfStore       *store);
/* Reloads the first page, keeping the selection when the session still exists. */
void        wf_session_list_reload           (WfSessionList *self);
guint       wf_session_list_get_n_sessions   (WfSessionList *self);
gint64      wf_session_list_get_session_id   (WfSessionList *self,
                                              guint          position);
gint64      wf_session_list_get_selected_id  (WfSessionList *self);
void        wf_session_list_select_id        (WfSessionList *self,
                                              gint64         session_id);
void        wf_session_list_unselect         (WfSessionList *self);
/* Empty or NULL shows every session again. */
void        wf_session_list_set_search       (WfSessionList *self,
                                              const char    *query);
void        wf_session_list_focus_search     (WfSessionList *self);
gboolean    wf_session_list_rename           (WfSessionList *self,
                                              gint64         session_id,
                                              const char    *title,
                                              GError       **error);
/* Hides the session and shows an undo toast; the store deletes it only when
 * the toast goes away without Undo. Returns the toast (borrowed). */
AdwToast   *wf_session_list_delete           (WfSessionList *self,
                                              gint64         session_id);

G_END_DECLS
