/* wf-assumptions.h: the editable assumptions (wf.param) of one run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "wf-types.h"

G_BEGIN_DECLS

#define WF_TYPE_ASSUMPTIONS (wf_assumptions_get_type ())
G_DECLARE_FINAL_TYPE (WfAssumptions, wf_assumptions, WF, ASSUMPTIONS, GtkWidget)

GtkWidget  *wf_assumptions_new        (void);
/* params: (element-type WfParam), copied; NULL or empty clears. */
void        wf_assumptions_set_params (WfAssumptions *self,
                                       GPtrArray     *params);
/* Moves the controls to @values (label → gdouble*) without emitting "changed". */
void        wf_assumptions_set_values (WfAssumptions *self,
                                       GHashTable    *values);
guint       wf_assumptions_get_n_params (WfAssumptions *self);
/* The control of the param with that label, for the lead and the tests. */
GtkSpinButton *wf_assumptions_get_spin_button (WfAssumptions *self,
                                               const char    *label);
/* label → double (boxed in a gdouble*) of every param, as now set. */
GHashTable *wf_assumptions_dup_values (WfAssumptions *self);
/* Spin buttons only, no sliders (applies to the next set_params). */
/* Money assumptions are shown in CODE (the currency the run answered in;
 * NULL: the user's currency). */
void        wf_assumptions_set_currency (WfAssumptions *self,
                                         const char    *code);
void        wf_assumptions_set_compact (WfAssumptions *self,
                                        gboolean       compact);
/* Milliseconds between the last change and "changed" (default 50). */
void        wf_assumptions_set_debounce (WfAssumptions *self,
                                         guint          ms);

/* Control value = param value × this: 100 for a percent held as a fraction, else 1. */
double      wf_assumptions_control_scale (const WfParam *param);
/* Bounds the control uses for a param: its own, else sensible defaults by kind. */
void        wf_assumptions_param_range (const WfParam *param,
                                        double        *out_min,
                                        double        *out_max,
                                        double        *out_step,
                                        guint         *out_digits);

G_END_DECLS
