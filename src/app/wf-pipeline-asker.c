/* wf-pipeline-asker.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Translates the pipeline's stage names into the four steps the chat shows
 * (classifying → writing code → checking → running) and forwards streamed
 * code. The pipeline persists every run itself before it completes, which is
 * what WfAsker promises its caller.
 */
#define G_LOG_DOMAIN "wf-pipeline-asker"

#include "config.h"

#include "wf-pipeline-asker.h"

struct _WfPipelineAsker
{
  GObject     parent_instance;

  WfPipeline *pipeline;
  char       *provider;
  char       *model;
};

static void asker_iface_init (WfAskerInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (WfPipelineAsker, wf_pipeline_asker, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (WF_TYPE_ASKER, asker_iface_init))

static const struct
{
  const char *stage;
  const char *step;
} stage_steps[] = {
  { "classify", "classifying" },
  { "generate", "writing" },
  { "repair", "writing" },
  { "firewall", "checking" },
  { "execute", "running" },
};

static void
stage_started_cb (WfPipeline      *pipeline,
                  const char      *stage,
                  WfPipelineAsker *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (stage_steps); i++)
    {
      if (g_strcmp0 (stage, stage_steps[i].stage) == 0)
        {
          wf_asker_emit_stage (WF_ASKER (self), stage_steps[i].step);
          return;
        }
    }
}

static void
code_delta_cb (WfPipeline      *pipeline,
               const char      *delta,
               WfPipelineAsker *self)
{
  wf_asker_emit_code_delta (WF_ASKER (self), delta);
}

static void
run_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  WfRun *run;

  run = wf_pipeline_run_finish (WF_PIPELINE (source), result, &error);
  if (run == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, run, (GDestroyNotify) wf_run_free);
}

static void
wf_pipeline_asker_ask_async (WfAsker             *asker,
                             const char          *question,
                             gint64               session_id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  WfPipelineAsker *self = WF_PIPELINE_ASKER (asker);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  WfRunRequest *req;

  g_task_set_source_tag (task, wf_pipeline_asker_ask_async);

  req = wf_run_request_new (WF_MODE_ASK, question);
  req->session_id = session_id;
  req->provider = g_strdup (self->provider);
  req->model = g_strdup (self->model);

  wf_pipeline_run_async (self->pipeline, req, cancellable, run_done_cb, g_steal_pointer (&task));
}

static WfRun *
wf_pipeline_asker_ask_finish (WfAsker       *asker,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, asker), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
asker_iface_init (WfAskerInterface *iface)
{
  iface->ask_async = wf_pipeline_asker_ask_async;
  iface->ask_finish = wf_pipeline_asker_ask_finish;
}

static void
wf_pipeline_asker_dispose (GObject *object)
{
  WfPipelineAsker *self = WF_PIPELINE_ASKER (object);

  if (self->pipeline != NULL)
    g_signal_handlers_disconnect_by_data (self->pipeline, self);
  g_clear_object (&self->pipeline);

  G_OBJECT_CLASS (wf_pipeline_asker_parent_class)->dispose (object);
}

static void
wf_pipeline_asker_finalize (GObject *object)
{
  WfPipelineAsker *self = WF_PIPELINE_ASKER (object);

  g_free (self->provider);
  g_free (self->model);

  G_OBJECT_CLASS (wf_pipeline_asker_parent_class)->finalize (object);
}

static void
wf_pipeline_asker_class_init (WfPipelineAskerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wf_pipeline_asker_dispose;
  object_class->finalize = wf_pipeline_asker_finalize;
}

static void
wf_pipeline_asker_init (WfPipelineAsker *self)
{
}

WfPipelineAsker *
wf_pipeline_asker_new (WfPipeline *pipeline)
{
  WfPipelineAsker *self;

  g_return_val_if_fail (WF_IS_PIPELINE (pipeline), NULL);

  self = g_object_new (WF_TYPE_PIPELINE_ASKER, NULL);
  self->pipeline = g_object_ref (pipeline);
  g_signal_connect (pipeline, "stage-started", G_CALLBACK (stage_started_cb), self);
  g_signal_connect (pipeline, "code-delta", G_CALLBACK (code_delta_cb), self);

  return self;
}

void
wf_pipeline_asker_set_provider (WfPipelineAsker *self,
                                const char      *provider,
                                const char      *model)
{
  g_return_if_fail (WF_IS_PIPELINE_ASKER (self));

  g_free (self->provider);
  self->provider = g_strdup (provider);
  g_free (self->model);
  self->model = g_strdup (model);
}
