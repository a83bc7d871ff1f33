/* wf-asker.h: what the chat needs from whatever answers questions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The chat view only knows this interface. The pipeline implements it (it
 * classifies, writes, checks, runs and saves the run); tests implement it with
 * a fake inside the test file. Keeping the seam this small lets the app shell
 * be built and tested before the pipeline exists.
 */
#pragma once

#include <gio/gio.h>

#include "wf-types.h"

G_BEGIN_DECLS

#define WF_TYPE_ASKER (wf_asker_get_type ())
G_DECLARE_INTERFACE (WfAsker, wf_asker, WF, ASKER, GObject)

struct _WfAskerInterface
{
  GTypeInterface parent_iface;

  /* Answers @question in @session_id (0: a new session). The implementation
   * saves the run in the store before it completes, so run->id and
   * run->session_id are set in the result. While it works it emits "stage"
   * (classifying | writing | checking | running) and "code-delta" (a piece of
   * code as the model streams it). Cancelling @cancellable ends it with
   * G_IO_ERROR_CANCELLED or with a run whose outcome is cancelled. */
  void    (*ask_async)  (WfAsker              *self,
                         const char           *question,
                         gint64                session_id,
                         GCancellable         *cancellable,
                         GAsyncReadyCallback   callback,
                         gpointer              user_data);
  WfRun * (*ask_finish) (WfAsker              *self,
                         GAsyncResult         *result,
                         GError              **error);
};

void    wf_asker_ask_async       (WfAsker              *self,
                                  const char           *question,
                                  gint64                session_id,
                                  GCancellable         *cancellable,
                                  GAsyncReadyCallback   callback,
                                  gpointer              user_data);
WfRun  *wf_asker_ask_finish      (WfAsker              *self,
                                  GAsyncResult         *result,
                                  GError              **error);

/* For implementations: emit the progress signals. */
void    wf_asker_emit_stage      (WfAsker              *self,
                                  const char           *stage);
void    wf_asker_emit_code_delta (WfAsker              *self,
                                  const char           *delta);

G_END_DECLS
