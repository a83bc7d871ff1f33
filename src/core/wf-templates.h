/* wf-templates.h: the offline financial model templates
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One readable Python program per intent, filled with the numbers the router
 * extracted. Every assumption is a wf.param() at the top with a comment saying
 * whether its value came from the question or is a stated default. Values from
 * the question enter the code only as numbers formatted with g_ascii_dtostr();
 * labels are fixed strings, never the user's text.
 */
#pragma once

#include <glib.h>

#include "wf-query-router.h"

G_BEGIN_DECLS

#define WF_TEMPLATES_ERROR (wf_templates_error_quark ())
GQuark wf_templates_error_quark (void);

typedef enum
{
  WF_TEMPLATES_ERROR_NO_TEMPLATE,   /* general_model or none: a real model is needed */
} WfTemplatesError;

/* TRUE when an offline template serves `intent`. */
gboolean   wf_templates_supports    (WfIntent              intent);

/* The name of the first metric a template reports (the quantity asked for),
 * as it would be for these parameters. */
const char *wf_templates_primary_metric (WfIntent             intent,
                                         const WfQueryParams *params);

/* Renders the template: returns the Python code and sets the explanation. */
char      *wf_templates_render      (WfIntent              intent,
                                     const WfQueryParams  *params,
                                     char                **out_explanation,
                                     GError              **error);

/* The same as a remote model answers: {"code","explanation","language"}. */
char      *wf_templates_render_json (WfIntent              intent,
                                     const WfQueryParams  *params,
                                     GError              **error);

G_END_DECLS
