/* wf-sql-firewall.c: one read-only statement, judged by SQLite
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-sql-firewall"

#include "config.h"

#include "wf-sql-firewall.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>
#include <string.h>

G_DEFINE_QUARK (wf-sql-firewall-error-quark, wf_sql_firewall_error)

struct _WfSqlFirewall
{
  sqlite3 *db;
  /* The first refusal of the authoriser during one prepare. */
  char    *denied_rule;
  char    *denied_message;
  gboolean denied_provisional;  /* a later, more specific refusal replaces it */
};

static const char * const schema_tables[] = {
  "sqlite_schema", "sqlite_master", "sqlite_temp_schema", "sqlite_temp_master", NULL,
};

/* Functions that reach outside the query: loading native code, and the FTS3
 * tokenizer hook that takes a raw pointer. */
static const char * const denied_functions[] = {
  "load_extension", "fts3_tokenizer", NULL,
};

static gboolean
in_list (const char         *name,
         const char * const *list)
{
  if (name == NULL)
    return FALSE;
  for (guint i = 0; list[i] != NULL; i++)
    if (g_ascii_strcasecmp (name, list[i]) == 0)
      return TRUE;

  return FALSE;
}

static void
deny (WfSqlFirewall *self,
      const char    *rule,
      char          *message)  /* (transfer full) */
{
  if (self->denied_rule == NULL || self->denied_provisional)
    {
      g_free (self->denied_rule);
      g_free (self->denied_message);
      self->denied_provisional = FALSE;
      self->denied_rule = g_strdup (rule);
      self->denied_message = message;
    }
  else
    g_free (message);
}

static int
authorizer_cb (void       *user_data,
               int         action,
               const char *arg1,
               const char *arg2,
               const char *db_name,
               const char *trigger)
{
  WfSqlFirewall *self = user_data;

  switch (action)
    {
    case SQLITE_SELECT:
    case SQLITE_RECURSIVE:
      return SQLITE_OK;

    case SQLITE_READ:
      /* arg1 is the table. Table-valued PRAGMA functions are PRAGMAs. */
      if (arg1 != NULL && g_ascii_strncasecmp (arg1, "pragma_", 7) == 0)
        {
          deny (self, "sql-pragma",
                g_strdup_printf (_("%s() is a PRAGMA, which changes or inspects the database engine and is not allowed."),
                                 arg1));
          return SQLITE_DENY;
        }
      if (arg1 != NULL && g_ascii_strncasecmp (arg1, "sqlite_", 7) == 0 &&
          !in_list (arg1, schema_tables))
        {
          deny (self, "sql-internal",
                g_strdup_printf (_("The query reads SQLite’s internal table “%s”, which is not allowed."), arg1));
          return SQLITE_DENY;
        }
      return SQLITE_OK;

    case SQLITE_FUNCTION:
      /* arg2 is the function name. */
      if (in_list (arg2, denied_functions))
        {
          if (g_ascii_strcasecmp (arg2, "load_extension") == 0)
            deny (self, "sql-load-extension",
                  g_strdup (_("The function load_extension() loads native code and is not allowed.")));
          else
            deny (self, "sql-function",
                  g_strdup_printf (_("The function %s() reaches into the database engine and is not allowed."), arg2));
          return SQLITE_DENY;
        }
      return SQLITE_OK;

    case SQLITE_ATTACH:
    case SQLITE_DETACH:
      deny (self, "sql-attach",
            g_strdup (_("ATTACH and DETACH open other database files and are not allowed.")));
      return SQLITE_DENY;

    case SQLITE_PRAGMA:
      deny (self, "sql-pragma",
            g_strdup_printf (_("PRAGMA %s changes or inspects the database engine and is not allowed."),
                             arg1 ? arg1 : ""));
      return SQLITE_DENY;

    case SQLITE_TRANSACTION:
    case SQLITE_SAVEPOINT:
      deny (self, "sql-transaction",
            g_strdup (_("Transaction statements are not allowed: a query only reads.")));
      return SQLITE_DENY;

    case SQLITE_INSERT:
    case SQLITE_UPDATE:
    case SQLITE_DELETE:
      /* DROP TABLE and table-valued PRAGMA functions (pragma_table_info)
       * first touch the schema table. Note the refusal but let the prepare
       * go on, so that the action that follows (DROP, PRAGMA) names the
       * reason; the statement is never stepped, so nothing is written. */
      if (in_list (arg1, schema_tables))
        {
          deny (self, "sql-internal",
                g_strdup (_("The query touches SQLite’s internal schema table, which is not allowed.")));
          self->denied_provisional = TRUE;
          return SQLITE_OK;
        }
      deny (self, "sql-write",
            g_strdup (_("The query changes the workbook; only reading queries (SELECT) are allowed.")));
      return SQLITE_DENY;

    case SQLITE_CREATE_INDEX:
    case SQLITE_CREATE_TABLE:
    case SQLITE_CREATE_TEMP_INDEX:
    case SQLITE_CREATE_TEMP_TABLE:
    case SQLITE_CREATE_TEMP_TRIGGER:
    case SQLITE_CREATE_TEMP_VIEW:
    case SQLITE_CREATE_TRIGGER:
    case SQLITE_CREATE_VIEW:
    case SQLITE_CREATE_VTABLE:
    case SQLITE_DROP_INDEX:
    case SQLITE_DROP_TABLE:
    case SQLITE_DROP_TEMP_INDEX:
    case SQLITE_DROP_TEMP_TABLE:
    case SQLITE_DROP_TEMP_TRIGGER:
    case SQLITE_DROP_TEMP_VIEW:
    case SQLITE_DROP_TRIGGER:
    case SQLITE_DROP_VIEW:
    case SQLITE_DROP_VTABLE:
    case SQLITE_ALTER_TABLE:
    case SQLITE_REINDEX:
    case SQLITE_ANALYZE:
      deny (self, "sql-write",
            g_strdup (_("The query changes the workbook; only reading queries (SELECT) are allowed.")));
      return SQLITE_DENY;

    default:
      /* Anything newer or unknown is refused rather than guessed at. */
      (void) db_name;
      (void) trigger;
      deny (self, "sql-not-allowed",
            g_strdup_printf (_("The query uses an operation the firewall does not allow (SQLite action %d)."),
                             action));
      return SQLITE_DENY;
    }
}

static void
harden (sqlite3 *db)
{
  /* Belt and braces: these are off by default in a library build. */
  sqlite3_db_config (db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
  sqlite3_db_config (db, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0, NULL);
  sqlite3_db_config (db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  sqlite3_db_config (db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
  sqlite3_limit (db, SQLITE_LIMIT_SQL_LENGTH, WF_SQL_FIREWALL_MAX_BYTES);
}

WfSqlFirewall *
wf_sql_firewall_new_for_db (const char  *db_path,
                            GError     **error)
{
  WfSqlFirewall *self;
  sqlite3 *db = NULL;
  int rc;

  g_return_val_if_fail (db_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  rc = sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc == SQLITE_OK)
    {
      harden (db);
      /* Reading the schema fails here, not at the first check, if the file
       * is not a database. */
      rc = sqlite3_exec (db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
    }
  if (rc != SQLITE_OK)
    {
      g_set_error (error, WF_SQL_FIREWALL_ERROR, WF_SQL_FIREWALL_ERROR_OPEN,
                   _("Could not open the workbook %s: %s"), db_path,
                   db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close (db);
      return NULL;
    }

  self = g_new0 (WfSqlFirewall, 1);
  self->db = db;
  sqlite3_set_authorizer (db, authorizer_cb, self);

  return self;
}

WfSqlFirewall *
wf_sql_firewall_new_for_schema (const char  *schema_sql,
                                GError     **error)
{
  WfSqlFirewall *self;
  sqlite3 *db = NULL;
  char *message = NULL;
  int rc;

  g_return_val_if_fail (schema_sql != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  rc = sqlite3_open_v2 (":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, WF_SQL_FIREWALL_ERROR, WF_SQL_FIREWALL_ERROR_OPEN,
                   _("Could not open an in-memory database: %s"), sqlite3_errstr (rc));
      sqlite3_close (db);
      return NULL;
    }
  harden (db);
  if (sqlite3_exec (db, schema_sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, WF_SQL_FIREWALL_ERROR, WF_SQL_FIREWALL_ERROR_SCHEMA,
                   _("The workbook schema did not load: %s"), message ? message : "");
      sqlite3_free (message);
      sqlite3_close (db);
      return NULL;
    }

  self = g_new0 (WfSqlFirewall, 1);
  self->db = db;
  /* Installed after the schema so that the schema's CREATE statements ran. */
  sqlite3_set_authorizer (db, authorizer_cb, self);

  return self;
}

void
wf_sql_firewall_free (WfSqlFirewall *self)
{
  if (self == NULL)
    return;
  sqlite3_close (self->db);
  g_free (self->denied_rule);
  g_free (self->denied_message);
  g_free (self);
}

/* A byte offset into SQL as a 1-based line and a 1-based column counted in
 * characters. */
static void
offset_to_position (const char *sql,
                    gsize       offset,
                    int        *line,
                    int        *column)
{
  const char *p = sql;
  const char *end = sql + offset;
  const char *line_start = sql;

  *line = 1;
  for (; p < end && *p; p++)
    if (*p == '\n')
      {
        (*line)++;
        line_start = p + 1;
      }
  *column = (int) g_utf8_strlen (line_start, p - line_start) + 1;
}

/* Where a statement begins: the first byte that is not white space. Used
 * only to place a refusal that SQLite reports without an offset. */
static gsize
statement_start (const char *sql,
                 const char *from)
{
  const char *p = from;

  while (*p && g_ascii_isspace (*p))
    p++;

  return p - sql;
}

static void
clear_denial (WfSqlFirewall *self)
{
  g_clear_pointer (&self->denied_rule, g_free);
  g_clear_pointer (&self->denied_message, g_free);
  self->denied_provisional = FALSE;
}

WfVerdict *
wf_sql_firewall_check (WfSqlFirewall *self,
                       const char    *sql)
{
  g_autoptr(WfVerdict) verdict = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3_stmt *second = NULL;
  const char *tail = NULL;
  const char *second_tail = NULL;
  const char *from = sql;
  gsize length;
  int line;
  int column;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (sql != NULL, NULL);

  verdict = wf_verdict_new (WF_VERDICT_ALLOW, "sql");
  length = strlen (sql);

  if (length > WF_SQL_FIREWALL_MAX_BYTES)
    {
      g_autofree char *message =
        g_strdup_printf (_("The query is longer than %d bytes."), WF_SQL_FIREWALL_MAX_BYTES);
      wf_verdict_add_rule (verdict, "sql-too-large", 0, 0, message);
      return g_steal_pointer (&verdict);
    }
  if (!g_utf8_validate (sql, length, NULL))
    {
      wf_verdict_add_rule (verdict, "sql-encoding", 0, 0,
                           _("The query is not valid UTF-8 text."));
      return g_steal_pointer (&verdict);
    }

  clear_denial (self);
  tail = sql;
  /* Leading empty statements (";") prepare to nothing: move past them. */
  do
    {
      from = tail;
      rc = sqlite3_prepare_v3 (self->db, from, -1, 0, &stmt, &tail);
      if (rc != SQLITE_OK || stmt != NULL || tail == NULL || tail == from)
        break;
    }
  while (*tail != '\0');
  if (rc != SQLITE_OK)
    {
      int offset = -1;

#if SQLITE_VERSION_NUMBER >= 3038000
      /* The offset is relative to the text given to this prepare. */
      offset = sqlite3_error_offset (self->db);
      if (offset >= 0)
        offset += (int) (from - sql);
#endif

      if (offset < 0)
        offset = (int) statement_start (sql, from);
      offset_to_position (sql, offset, &line, &column);
      if (self->denied_rule != NULL)
        wf_verdict_add_rule (verdict, self->denied_rule, line, column, self->denied_message);
      else
        {
          g_autofree char *message =
            g_strdup_printf (_("SQLite cannot read the query: %s."), sqlite3_errmsg (self->db));
          wf_verdict_add_rule (verdict, "sql-syntax", line, column, message);
        }
      clear_denial (self);
      return g_steal_pointer (&verdict);
    }

  if (self->denied_rule != NULL)
    {
      /* A refusal noted without failing the prepare (see authorizer_cb). */
      offset_to_position (sql, statement_start (sql, from), &line, &column);
      wf_verdict_add_rule (verdict, self->denied_rule, line, column, self->denied_message);
      clear_denial (self);
      sqlite3_finalize (stmt);
      return g_steal_pointer (&verdict);
    }

  if (stmt == NULL)
    {
      wf_verdict_add_rule (verdict, "sql-empty", 1, 1,
                           _("There is no SQL statement to run."));
      return g_steal_pointer (&verdict);
    }

  /* Exactly one statement: let SQLite parse whatever follows the first.
   * Only white space, comments and semicolons leave no statement behind. */
  if (tail != NULL && *tail != '\0')
    {
      rc = sqlite3_prepare_v3 (self->db, tail, -1, 0, &second, &second_tail);
      clear_denial (self);
      if (rc != SQLITE_OK || second != NULL)
        {
          offset_to_position (sql, statement_start (sql, tail), &line, &column);
          wf_verdict_add_rule (verdict, "sql-multiple", line, column,
                               _("Only one SQL statement may run at a time; remove everything after the first."));
        }
      sqlite3_finalize (second);
    }

  if (!sqlite3_stmt_readonly (stmt))
    {
      offset_to_position (sql, statement_start (sql, from), &line, &column);
      wf_verdict_add_rule (verdict, "sql-write", line, column,
                           _("The query changes the workbook; only reading queries (SELECT) are allowed."));
    }

  sqlite3_finalize (stmt);
  return g_steal_pointer (&verdict);
}
