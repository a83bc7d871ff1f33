/* wf-redact.h: mask credentials in text that is logged or stored
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define WF_REDACTED "[redacted]"

/* Returns a copy of TEXT with credentials replaced by WF_REDACTED, keeping a
 * short recognisable prefix (sk-or-, e2b_, Bearer …) so a reader can tell
 * what was there. Masks OpenRouter (sk-or-…) and other sk- keys, Langfuse
 * pk-lf-/sk-lf- keys, E2B e2b_ keys, Cohere-style 40-character keys,
 * Bearer and Basic credentials, user:password@ in URLs, and the values of
 * name=value / "name": "value" pairs whose name says key, token, secret or
 * password. One pass, linear in the length of TEXT. NULL gives NULL. */
char *wf_redact (const char *text);

/* A GLogWriterFunc that redacts the MESSAGE field of every structured log
 * record and then hands it to g_log_writer_default(). Install it once at
 * start-up with g_log_set_writer_func (wf_redact_log_writer, NULL, NULL), so
 * that no key can reach the terminal or the journal through a log line. */
GLogWriterOutput wf_redact_log_writer (GLogLevelFlags   log_level,
                                       const GLogField *fields,
                                       gsize            n_fields,
                                       gpointer         user_data);

G_END_DECLS
