/* wf-chat-view.h: the conversation of one session and the question entry
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "wf-asker.h"
#include "wf-store.h"

G_BEGIN_DECLS

#define WF_CHAT_VIEW_MAX_QUESTION 4000

#define WF_TYPE_CHAT_VIEW (wf_chat_view_get_type ())
G_DECLARE_FINAL_TYPE (WfChatView, wf_chat_view, WF, CHAT_VIEW, GtkWidget)

GtkWidget *wf_chat_view_new            (void);
void       wf_chat_view_set_store      (WfChatView *self,
                                        WfStore    *store);
/* (nullable): without an asker, sending explains that nothing can answer. */
void       wf_chat_view_set_asker      (WfChatView *self,
                                        WfAsker    *asker);
WfAsker   *wf_chat_view_get_asker      (WfChatView *self);
/* 0 shows the welcome page; the next question starts a new session. */
void       wf_chat_view_set_session    (WfChatView *self,
                                        gint64      session_id);
gint64     wf_chat_view_get_session    (WfChatView *self);
/* Sends @question (or the entry's text when NULL). FALSE when nothing was sent. */
gboolean   wf_chat_view_send           (WfChatView *self,
                                        const char *question);
void       wf_chat_view_cancel         (WfChatView *self);
gboolean   wf_chat_view_get_busy       (WfChatView *self);
/* Answer cards shown, including the one of a run in progress. */
guint      wf_chat_view_get_n_cards    (WfChatView *self);
gint64     wf_chat_view_get_last_run   (WfChatView *self);
void       wf_chat_view_focus_entry    (WfChatView *self);
/* Shows a re-run's metrics, table and chart in the card of @card_run_id
 * (its assumptions stay as the user set them). FALSE when no such card. */
gboolean   wf_chat_view_update_results (WfChatView  *self,
                                        gint64       card_run_id,
                                        const WfRun *run);
/* (nullable) (transfer none): the WfAssumptions of a card. */
GtkWidget *wf_chat_view_get_card_assumptions (WfChatView *self,
                                              gint64      run_id);
/* "name: value" lines of a card's metrics as shown, for tests. */
char      *wf_chat_view_dup_card_metrics (WfChatView *self,
                                          gint64      run_id);
/* Appends a run made elsewhere (paste-and-run) when it is in this session. */
void       wf_chat_view_add_run        (WfChatView  *self,
                                        const WfRun *run);

G_END_DECLS
