/* wf-provider-offline.h: the embedded, free provider built on the templates
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "wf-llm-provider.h"
#include "wf-query-router.h"

G_BEGIN_DECLS

#define WF_TYPE_PROVIDER_OFFLINE (wf_provider_offline_get_type ())
G_DECLARE_FINAL_TYPE (WfProviderOffline, wf_provider_offline, WF, PROVIDER_OFFLINE, GObject)

WfProviderOffline *wf_provider_offline_new         (void);

/* The parameters in force from the previous turn (the session keeps them).
 * With none set, the provider replays the earlier user messages of the
 * conversation it is given to rebuild them. `params` may be NULL. */
void               wf_provider_offline_set_context (WfProviderOffline   *self,
                                                    WfIntent             previous_intent,
                                                    const WfQueryParams *previous_params);

/* The parameters in force after the last question served, for the session to
 * keep. Returns NULL before the first answer. (transfer full) */
WfQueryParams     *wf_provider_offline_dup_last_params (WfProviderOffline *self,
                                                        WfIntent          *out_intent);

G_END_DECLS
