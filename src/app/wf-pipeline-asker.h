/* wf-pipeline-asker.h: the chat's WfAsker, answered by the real pipeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "wf-asker.h"
#include "wf-pipeline.h"

G_BEGIN_DECLS

#define WF_TYPE_PIPELINE_ASKER (wf_pipeline_asker_get_type ())
G_DECLARE_FINAL_TYPE (WfPipelineAsker, wf_pipeline_asker, WF, PIPELINE_ASKER, GObject)

WfPipelineAsker *wf_pipeline_asker_new          (WfPipeline      *pipeline);
/* The provider and model the next questions use (NULL: the pipeline's default). */
void             wf_pipeline_asker_set_provider (WfPipelineAsker *self,
                                                 const char      *provider,
                                                 const char      *model);

G_END_DECLS
