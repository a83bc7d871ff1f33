/* wf-asker.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-asker"

#include "config.h"

#include "wf-asker.h"

enum {
  STAGE,
  CODE_DELTA,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_INTERFACE (WfAsker, wf_asker, G_TYPE_OBJECT)

static void
wf_asker_default_init (WfAskerInterface *iface)
{
  /**
   * WfAsker::stage:
   * @stage: classifying, writing, checking or running
   *
   * Fires when the question enters a new stage, so the card can say so.
   */
  signals[STAGE] =
    g_signal_new ("stage",
                  G_TYPE_FROM_INTERFACE (iface),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * WfAsker::code-delta:
   * @delta: the next piece of code
   *
   * Fires for every piece of code the model streams.
   */
  signals[CODE_DELTA] =
    g_signal_new ("code-delta",
                  G_TYPE_FROM_INTERFACE (iface),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

void
wf_asker_ask_async (WfAsker             *self,
                    const char          *question,
                    gint64               session_id,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_return_if_fail (WF_IS_ASKER (self));
  g_return_if_fail (question != NULL);
  g_return_if_fail (session_id >= 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  WF_ASKER_GET_IFACE (self)->ask_async (self, question, session_id, cancellable,
                                        callback, user_data);
}

WfRun *
wf_asker_ask_finish (WfAsker       *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (WF_IS_ASKER (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return WF_ASKER_GET_IFACE (self)->ask_finish (self, result, error);
}

void
wf_asker_emit_stage (WfAsker    *self,
                     const char *stage)
{
  g_return_if_fail (WF_IS_ASKER (self));

  g_signal_emit (self, signals[STAGE], 0, stage);
}

void
wf_asker_emit_code_delta (WfAsker    *self,
                          const char *delta)
{
  g_return_if_fail (WF_IS_ASKER (self));

  g_signal_emit (self, signals[CODE_DELTA], 0, delta);
}
