/* wf-session.h: conversation context for the models, within a token budget
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A session holds the conversation of one thread of questions and the
 * parameters in force. It builds the messages sent to a model: the first
 * system message, a note with the parameters in force (and how many older
 * turns were left out), then as many of the latest turns as fit in the token
 * budget minus the reserve kept for the answer. Persistence is the store's:
 * a resumed session is refilled with wf_session_add_message().
 */
#pragma once

#include <gio/gio.h>

#include "wf-llm-provider.h"
#include "wf-query-router.h"

G_BEGIN_DECLS

#define WF_SESSION_TOKEN_BUDGET_DEFAULT    8000
#define WF_SESSION_ANSWER_RESERVE_DEFAULT  2000
#define WF_SESSION_MIN_BUDGET              256

#define WF_TYPE_SESSION (wf_session_get_type ())
G_DECLARE_FINAL_TYPE (WfSession, wf_session, WF, SESSION, GObject)

WfSession           *wf_session_new              (gint64               id,
                                                  const char          *system_prompt);
gint64               wf_session_get_id           (WfSession           *self);
void                 wf_session_set_id           (WfSession           *self,
                                                  gint64               id);
const char          *wf_session_get_system_prompt (WfSession          *self);

/* Budget for the whole request, and the part kept free for the answer.
 * The budget is clamped to at least WF_SESSION_MIN_BUDGET and the reserve
 * to at most half of it. */
void                 wf_session_set_token_budget (WfSession           *self,
                                                  gint64               budget,
                                                  gint64               reserve);
gint64               wf_session_get_token_budget (WfSession           *self);
gint64               wf_session_get_reserve      (WfSession           *self);

/* role: user | assistant | system. Older system messages beyond the first
 * are kept as turns. */
void                 wf_session_add_message      (WfSession           *self,
                                                  const char          *role,
                                                  const char          *content);
guint                wf_session_get_n_messages   (WfSession           *self);

void                 wf_session_set_params       (WfSession           *self,
                                                  WfIntent             intent,
                                                  const WfQueryParams *params);
/* (transfer none), nullable */
const WfQueryParams *wf_session_get_params       (WfSession           *self,
                                                  WfIntent            *out_intent);

/* A deterministic, slightly pessimistic estimate: one token per 4 bytes, plus
 * 4 for the message frame. */
gint64               wf_session_estimate_tokens  (const char          *role,
                                                  const char          *content);

/* The messages for a request that asks `question` (nullable: the last user
 * message is then the question). Their estimated total never exceeds budget
 * minus reserve; the question itself is shortened in the middle if it alone
 * does not fit. (element-type WfChatMessage) (transfer full) */
GPtrArray           *wf_session_build_context    (WfSession           *self,
                                                  const char          *question,
                                                  guint               *out_n_dropped);

G_END_DECLS
