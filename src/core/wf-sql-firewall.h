/* wf-sql-firewall.h: SQL checked by SQLite's own parser
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A query may run when it is exactly one read-only statement that SQLite can
 * prepare against the workbook's schema. An authoriser refuses everything
 * but reading: ATTACH/DETACH, PRAGMA, load_extension(), writes, transaction
 * control and SQLite's internal tables other than the schema table. There
 * is no keyword scanning of our own: SQLite parses, we judge what it found.
 *
 * Reading sqlite_schema (sqlite_master) is allowed: it holds the workbook's
 * table definitions, which the user owns and which the model is shown in its
 * prompt anyway, and "which tables do I have?" is an honest question. Every
 * other sqlite_ object is refused (sqlite_dbpage would expose raw pages and
 * deleted rows, sqlite_stat* and sqlite_sequence are engine internals).
 */
#pragma once

#include <glib.h>

#include "wf-firewall.h"

G_BEGIN_DECLS

#define WF_SQL_FIREWALL_ERROR (wf_sql_firewall_error_quark ())
GQuark wf_sql_firewall_error_quark (void);

typedef enum
{
  WF_SQL_FIREWALL_ERROR_OPEN,     /* the workbook could not be opened */
  WF_SQL_FIREWALL_ERROR_SCHEMA,   /* the schema SQL did not load */
} WfSqlFirewallError;

/* Largest query checked (bytes). */
#define WF_SQL_FIREWALL_MAX_BYTES (200 * 1024)

typedef struct _WfSqlFirewall WfSqlFirewall;

/* A checker on the workbook at DB_PATH, opened read-only. */
WfSqlFirewall *wf_sql_firewall_new_for_db     (const char     *db_path,
                                               GError        **error);
/* A checker on an empty in-memory database built from SCHEMA_SQL (the app's
 * own, trusted, workbook schema). */
WfSqlFirewall *wf_sql_firewall_new_for_schema (const char     *schema_sql,
                                               GError        **error);
void           wf_sql_firewall_free           (WfSqlFirewall  *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WfSqlFirewall, wf_sql_firewall_free)

/* Never NULL: problems with the query are rules in the verdict. Not
 * thread-safe: one checker per thread. */
WfVerdict     *wf_sql_firewall_check          (WfSqlFirewall  *self,
                                               const char     *sql);

G_END_DECLS
