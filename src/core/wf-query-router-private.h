/* wf-query-router-private.h: functions the query router's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not installed and not for use outside src/core/wf-query-*.c. The public API
 * is in wf-query-router.h.
 */
#pragma once

#include <glib.h>

#include "wf-query-router.h"

G_BEGIN_DECLS

/* wf-query-normalise.c */
char        *wf_query_normalise_foreign (const char *text);
char        *wf_query_normalise_typos   (const char *text);

/* wf-query-extract.c */
typedef struct
{
  const char *word;
  WfSlot      slot;
} WfQuerySlotWord;

/* The nouns a count can have ("40 customers") and the slot each one fills. */
extern const WfQuerySlotWord wf_query_count_nouns[];
extern const guint           wf_query_n_count_nouns;

gboolean     wf_query_starts_word       (const char *s,
                                         const char *word);
const char  *wf_query_skip_spaces       (const char *s);
void         wf_query_combine_hourly    (const char *lower,
                                         GPtrArray  *quantities);

/* wf-query-roles.c */
gboolean     wf_query_has_any           (const char  *window,
                                         const char **words);
void         wf_query_quantity_windows  (const char  *lower,
                                         GPtrArray   *quantities,
                                         guint        i,
                                         char       **out_before,
                                         char       **out_after);
int          wf_query_percent_role      (const char *before,
                                         const char *after);
void         wf_query_assign_roles      (const char    *lower,
                                         GPtrArray     *quantities,
                                         WfIntent       intent,
                                         WfQueryParams *params);
char        *wf_query_detect_focus      (const char          *lower,
                                         WfIntent             intent,
                                         const WfQueryParams *params);

/* wf-query-clarify.c */
GPtrArray   *wf_query_clarify_options   (const int            scores[WF_INTENT_LAST],
                                         WfIntent             best,
                                         const WfQueryParams *params);
void         wf_query_hint_intents      (const char *lower,
                                         int         scores[WF_INTENT_LAST]);

/* wf-query-router.c */
gboolean     wf_query_contains_word     (const char *text,
                                         const char *word);

G_END_DECLS
