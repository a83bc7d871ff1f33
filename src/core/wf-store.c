/* wf-store.c: the per-user SQLite database, the only place that speaks SQL
 *
 * This part is the object itself: its connection and statement cache,
 * transactions, opening, the schema and its migrations, backups, the
 * integrity check and the meta table. The wf-store-*.c files hold the rest
 * of the store; wf-store-private.h is what they share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-store"

#include "config.h"

#include <inttypes.h>

#include "wf-store-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

G_DEFINE_QUARK (wf-store-error-quark, wf_store_error)

#define BUSY_TIMEOUT_MS 5000
#define N_BACKUPS_KEPT  3

G_DEFINE_FINAL_TYPE (WfStore, wf_store, G_TYPE_OBJECT)

/* Schema v1. Every later version appends a migration; a released one never
 * changes, so that an old database's rows stay readable forever. */
static const char schema_v1[] =
  "CREATE TABLE IF NOT EXISTS meta ("
  "  key TEXT PRIMARY KEY NOT NULL,"
  "  value TEXT"
  ");"
  "CREATE TABLE IF NOT EXISTS sessions ("
  "  id INTEGER PRIMARY KEY,"
  "  title TEXT NOT NULL DEFAULT '',"
  "  created_us INTEGER NOT NULL,"
  "  updated_us INTEGER NOT NULL"
  ");"
  "CREATE INDEX IF NOT EXISTS sessions_recent ON sessions (updated_us DESC, id DESC);"
  "CREATE TABLE IF NOT EXISTS runs ("
  "  id INTEGER PRIMARY KEY,"
  "  session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,"
  "  parent_run_id INTEGER,"
  "  mode TEXT NOT NULL,"
  "  language TEXT,"
  "  question TEXT NOT NULL DEFAULT '',"
  "  code TEXT,"
  "  code_hash TEXT,"
  "  explanation TEXT,"
  "  answer TEXT,"
  "  outcome TEXT NOT NULL,"
  "  message TEXT,"
  "  provider TEXT,"
  "  model TEXT,"
  "  verdict_json TEXT,"
  "  overrides_json TEXT,"
  "  clarification_json TEXT,"
  "  fixes_json TEXT,"
  "  total_micros INTEGER NOT NULL DEFAULT 0 CHECK (total_micros >= 0),"
  "  cost_estimated INTEGER NOT NULL DEFAULT 0,"
  "  created_us INTEGER NOT NULL,"
  "  finished_us INTEGER NOT NULL DEFAULT 0,"
  "  has_result INTEGER NOT NULL DEFAULT 0,"
  "  status TEXT,"
  "  exit_code INTEGER NOT NULL DEFAULT 0,"
  "  stdout TEXT,"
  "  stderr TEXT,"
  "  error_message TEXT,"
  "  backend TEXT,"
  "  result_verdict_json TEXT,"
  "  logs_json TEXT,"
  "  limits_hit_json TEXT,"
  "  wall_ms INTEGER NOT NULL DEFAULT 0,"
  "  cpu_ms INTEGER NOT NULL DEFAULT 0,"
  "  peak_rss_kb INTEGER NOT NULL DEFAULT 0,"
  "  stdout_truncated INTEGER NOT NULL DEFAULT 0,"
  "  stderr_truncated INTEGER NOT NULL DEFAULT 0,"
  "  tables_truncated INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX IF NOT EXISTS runs_of_session ON runs (session_id, id DESC);"
  "CREATE INDEX IF NOT EXISTS runs_recent ON runs (created_us DESC);"
  "CREATE TABLE IF NOT EXISTS messages ("
  "  id INTEGER PRIMARY KEY,"
  "  session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,"
  "  role TEXT NOT NULL,"
  "  content TEXT NOT NULL DEFAULT '',"
  "  run_id INTEGER REFERENCES runs (id) ON DELETE SET NULL,"
  "  created_us INTEGER NOT NULL"
  ");"
  "CREATE INDEX IF NOT EXISTS messages_of_session ON messages (session_id, id);"
  "CREATE INDEX IF NOT EXISTS messages_of_run ON messages (run_id);"
  "CREATE TABLE IF NOT EXISTS run_tables ("
  "  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
  "  idx INTEGER NOT NULL,"
  "  name TEXT NOT NULL,"
  "  n_rows INTEGER NOT NULL DEFAULT 0,"
  "  table_json TEXT NOT NULL,"
  "  PRIMARY KEY (run_id, idx)"
  ") WITHOUT ROWID;"
  "CREATE TABLE IF NOT EXISTS run_metrics ("
  "  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
  "  idx INTEGER NOT NULL,"
  "  name TEXT NOT NULL,"
  "  value REAL,"
  "  unit TEXT,"
  "  PRIMARY KEY (run_id, idx)"
  ") WITHOUT ROWID;"
  "CREATE TABLE IF NOT EXISTS run_params ("
  "  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
  "  idx INTEGER NOT NULL,"
  "  label TEXT NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  value REAL,"
  "  min REAL,"
  "  max REAL,"
  "  step REAL,"
  "  PRIMARY KEY (run_id, idx)"
  ") WITHOUT ROWID;"
  "CREATE TABLE IF NOT EXISTS run_charts ("
  "  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
  "  idx INTEGER NOT NULL,"
  "  chart_json TEXT NOT NULL,"
  "  PRIMARY KEY (run_id, idx)"
  ") WITHOUT ROWID;"
  "CREATE TABLE IF NOT EXISTS cost_spans ("
  "  id INTEGER PRIMARY KEY,"
  "  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
  "  idx INTEGER NOT NULL,"
  "  stage TEXT NOT NULL,"
  "  provider TEXT,"
  "  model TEXT,"
  "  input_tokens INTEGER NOT NULL DEFAULT 0,"
  "  output_tokens INTEGER NOT NULL DEFAULT 0,"
  "  llm_micros INTEGER NOT NULL DEFAULT 0,"
  "  sandbox_seconds REAL NOT NULL DEFAULT 0,"
  "  sandbox_micros INTEGER NOT NULL DEFAULT 0,"
  "  total_micros INTEGER NOT NULL DEFAULT 0,"
  "  start_us INTEGER NOT NULL DEFAULT 0,"
  "  duration_us INTEGER NOT NULL DEFAULT 0,"
  "  outcome TEXT,"
  "  estimated INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX IF NOT EXISTS cost_spans_of_run ON cost_spans (run_id, idx);"
  "CREATE INDEX IF NOT EXISTS cost_spans_by_time ON cost_spans (start_us);"
  /* No foreign key to sessions: deleting a session must not delete what was spent. */
  "CREATE TABLE IF NOT EXISTS spend_ledger ("
  "  id INTEGER PRIMARY KEY,"
  "  run_key TEXT NOT NULL,"
  "  kind TEXT NOT NULL CHECK (kind IN ('reserve', 'settle', 'release')),"
  "  amount_micros INTEGER NOT NULL CHECK (amount_micros >= 0),"
  "  session_id INTEGER NOT NULL DEFAULT 0,"
  "  provider TEXT,"
  "  model TEXT,"
  "  estimated INTEGER NOT NULL DEFAULT 0,"
  "  created_us INTEGER NOT NULL,"
  "  expires_us INTEGER NOT NULL DEFAULT 0,"
  "  UNIQUE (run_key, kind)"
  ");"
  "CREATE INDEX IF NOT EXISTS spend_by_time ON spend_ledger (created_us);"
  "CREATE INDEX IF NOT EXISTS spend_by_model ON spend_ledger (model, created_us);"
  "CREATE INDEX IF NOT EXISTS spend_by_session ON spend_ledger (session_id, created_us);"
  "CREATE TRIGGER IF NOT EXISTS spend_ledger_no_update BEFORE UPDATE ON spend_ledger"
  "  BEGIN SELECT RAISE (ABORT, 'the spend ledger is append-only'); END;"
  "CREATE TRIGGER IF NOT EXISTS spend_ledger_no_delete BEFORE DELETE ON spend_ledger"
  "  BEGIN SELECT RAISE (ABORT, 'the spend ledger is append-only'); END;"
  "CREATE TABLE IF NOT EXISTS budgets ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
  "  monthly_micros INTEGER NOT NULL DEFAULT -1,"
  "  session_micros INTEGER NOT NULL DEFAULT -1,"
  "  run_micros INTEGER NOT NULL DEFAULT -1,"
  "  warn_ratio REAL NOT NULL DEFAULT 0.8,"
  "  degrade_ratio REAL NOT NULL DEFAULT 0.95"
  ");"
  "CREATE TABLE IF NOT EXISTS models ("
  "  id TEXT PRIMARY KEY NOT NULL,"
  "  provider TEXT NOT NULL,"
  "  name TEXT,"
  "  input_micros_per_mtok INTEGER NOT NULL DEFAULT -1,"
  "  output_micros_per_mtok INTEGER NOT NULL DEFAULT -1,"
  "  context_length INTEGER NOT NULL DEFAULT 0,"
  "  fetched_us INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX IF NOT EXISTS models_by_provider ON models (provider, id);"
  "CREATE TABLE IF NOT EXISTS telemetry_outbox ("
  "  id INTEGER PRIMARY KEY,"
  "  payload TEXT NOT NULL,"
  "  attempts INTEGER NOT NULL DEFAULT 0,"
  "  next_attempt_us INTEGER NOT NULL DEFAULT 0,"
  "  created_us INTEGER NOT NULL"
  ");"
  "CREATE INDEX IF NOT EXISTS outbox_due ON telemetry_outbox (next_attempt_us, id);"
  "CREATE TABLE IF NOT EXISTS datasets ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE,"
  "  file_name TEXT,"
  "  table_name TEXT NOT NULL,"
  "  n_rows INTEGER NOT NULL DEFAULT 0,"
  "  columns_json TEXT,"
  "  imported_us INTEGER NOT NULL"
  ");"
  /* External-content FTS5 index kept in step by triggers, so no code path can
   * forget it. */
  "CREATE VIRTUAL TABLE IF NOT EXISTS runs_fts USING fts5 ("
  "  question, answer, content='runs', content_rowid='id', tokenize='unicode61 remove_diacritics 2'"
  ");"
  "CREATE TRIGGER IF NOT EXISTS runs_fts_insert AFTER INSERT ON runs BEGIN"
  "  INSERT INTO runs_fts (rowid, question, answer) VALUES (new.id, new.question, new.answer);"
  "END;"
  "CREATE TRIGGER IF NOT EXISTS runs_fts_delete AFTER DELETE ON runs BEGIN"
  "  INSERT INTO runs_fts (runs_fts, rowid, question, answer)"
  "    VALUES ('delete', old.id, old.question, old.answer);"
  "END;"
  "CREATE TRIGGER IF NOT EXISTS runs_fts_update AFTER UPDATE OF question, answer ON runs BEGIN"
  "  INSERT INTO runs_fts (runs_fts, rowid, question, answer)"
  "    VALUES ('delete', old.id, old.question, old.answer);"
  "  INSERT INTO runs_fts (rowid, question, answer) VALUES (new.id, new.question, new.answer);"
  "END;";

static const char *const migrations[] = {
  schema_v1,
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == WF_STORE_SCHEMA_VERSION);

/* Errors */

int
wf_store_error_code_for_sqlite (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return WF_STORE_ERROR_BUSY;
    case SQLITE_CONSTRAINT:
      return WF_STORE_ERROR_CONSTRAINT;
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      return WF_STORE_ERROR_IO;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return WF_STORE_ERROR_CORRUPT;
    case SQLITE_NOTFOUND:
      return WF_STORE_ERROR_NOT_FOUND;
    default:
      return WF_STORE_ERROR_FAILED;
    }
}

gboolean
wf_store_set_db_error (WfStore     *self,
              int          rc,
              const char  *what,
              GError     **error)
{
  const char *detail = self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);

  g_set_error (error, WF_STORE_ERROR, wf_store_error_code_for_sqlite (rc),
               _("Database %s: %s failed: %s"), self->path, what, detail);
  return FALSE;
}

/* Statements, cached per connection */

void
wf_store_stmt_release (WfStmt *stmt)
{
  /* Cached statements are reset, never finalised, so that the next caller
   * starts clean and no read lock outlives the call. */
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

WfStmt *
wf_store_prepare (WfStore     *self,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->stmts, sql);
  int rc;

  if (stmt != NULL)
    return stmt;

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      wf_store_set_db_error (self, rc, "prepare", error);
      return NULL;
    }

  g_hash_table_insert (self->stmts, (gpointer) sql, stmt);
  return stmt;
}

void
wf_store_bind_text (sqlite3_stmt *stmt,
           int           i,
           const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, i);
  else
    sqlite3_bind_text (stmt, i, text, -1, SQLITE_TRANSIENT);
}

void
wf_store_bind_double (sqlite3_stmt *stmt,
             int           i,
             double        value)
{
  /* SQLite would store NaN as NULL anyway; be explicit about infinities too. */
  if (isfinite (value))
    sqlite3_bind_double (stmt, i, value);
  else
    sqlite3_bind_null (stmt, i);
}

char *
wf_store_col_dup (sqlite3_stmt *stmt,
         int           i)
{
  const unsigned char *text = sqlite3_column_text (stmt, i);

  return text ? g_strdup ((const char *) text) : NULL;
}

double
wf_store_col_double (sqlite3_stmt *stmt,
            int           i)
{
  if (sqlite3_column_type (stmt, i) == SQLITE_NULL)
    return NAN;
  return sqlite3_column_double (stmt, i);
}

/* Runs a statement that returns no rows. */
gboolean
wf_store_step_done (WfStore      *self,
           sqlite3_stmt *stmt,
           const char   *what,
           GError      **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      wf_store_set_db_error (self, rc, what, error);
      sqlite3_reset (stmt);
      return FALSE;
    }

  return TRUE;
}

static gboolean
exec_sql (WfStore     *self,
          const char  *sql,
          GError     **error)
{
  char *errmsg = NULL;
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, &errmsg);

  if (rc != SQLITE_OK)
    {
      g_set_error (error, WF_STORE_ERROR, wf_store_error_code_for_sqlite (rc),
                   _("Database %s: %s"), self->path, errmsg ? errmsg : sqlite3_errstr (rc));
      sqlite3_free (errmsg);
      return FALSE;
    }

  return TRUE;
}

gboolean
wf_store_expect_one_change (WfStore     *self,
                   const char  *what,
                   gint64       id,
                   GError     **error)
{
  if (sqlite3_changes (self->db) > 0)
    return TRUE;
  g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_NOT_FOUND,
               _("There is no %s %" PRId64), what, id);
  return FALSE;
}

/* Transactions. A write outside any transaction takes the write lock at once
 * (BEGIN IMMEDIATE: a deferred one could fail to upgrade under WAL); inside one
 * it nests as a savepoint, so the caller's transaction stays all-or-nothing. */

TxKind
wf_store_tx_begin (WfStore  *self,
          GError  **error)
{
  if (sqlite3_get_autocommit (self->db))
    return exec_sql (self, "BEGIN IMMEDIATE", error) ? TX_TOP : TX_FAILED;

  return exec_sql (self, "SAVEPOINT wf_nested", error) ? TX_NESTED : TX_FAILED;
}

gboolean
wf_store_tx_end (WfStore   *self,
        TxKind     kind,
        gboolean   ok,
        GError   **error)
{
  switch (kind)
    {
    case TX_TOP:
      if (ok)
        {
          if (exec_sql (self, "COMMIT", error))
            return TRUE;
          /* e.g. disk full at commit: leave nothing half-written */
          if (!sqlite3_get_autocommit (self->db))
            exec_sql (self, "ROLLBACK", NULL);
          return FALSE;
        }
      if (!sqlite3_get_autocommit (self->db))
        exec_sql (self, "ROLLBACK", NULL);
      return FALSE;

    case TX_NESTED:
      if (ok)
        return exec_sql (self, "RELEASE wf_nested", error);
      exec_sql (self, "ROLLBACK TO wf_nested", NULL);
      exec_sql (self, "RELEASE wf_nested", NULL);
      return FALSE;

    case TX_FAILED:
    default:
      return FALSE;
    }
}

gboolean
wf_store_transaction (WfStore                 *self,
                      WfStoreTransactionFunc   func,
                      gpointer                 user_data,
                      GError                 **error)
{
  TxKind kind;
  gboolean ok;

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  kind = wf_store_tx_begin (self, error);
  if (kind == TX_FAILED)
    return FALSE;

  ok = func (self, user_data, error);
  if (!ok && error != NULL && *error == NULL)
    g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_FAILED,
                 _("The transaction was abandoned"));

  return wf_store_tx_end (self, kind, ok, ok ? error : NULL) && ok;
}

/* Object */

static void
wf_store_finalize (GObject *object)
{
  WfStore *self = WF_STORE (object);

  g_clear_pointer (&self->stmts, g_hash_table_unref);
  if (self->db != NULL)
    {
      /* Checkpoint on a clean close, so the -wal file does not linger. */
      sqlite3_close_v2 (self->db);
      self->db = NULL;
    }
  g_free (self->path);

  G_OBJECT_CLASS (wf_store_parent_class)->finalize (object);
}

static void
wf_store_class_init (WfStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wf_store_finalize;
}

static void
finalize_stmt (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
wf_store_init (WfStore *self)
{
  self->stmts = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                       finalize_stmt);
}

char *
wf_store_dup_default_path (void)
{
  const char *env = g_getenv ("WHATIF_DB");

  if (env != NULL && *env != '\0')
    return g_strdup (env);

  return g_build_filename (g_get_user_data_dir (), "whatif", "whatif.db", NULL);
}

const char *
wf_store_get_path (WfStore *self)
{
  g_return_val_if_fail (WF_IS_STORE (self), NULL);
  return self->path;
}

int
wf_store_get_schema_version (WfStore *self)
{
  g_return_val_if_fail (WF_IS_STORE (self), 0);
  return self->schema_version;
}

/* Opening */

/* Refuses what is not a regular file before SQLite opens it, and tells
 * whether the database must be created. */
static gboolean
check_header (const char  *path,
              gboolean    *out_exists,
              gboolean    *out_empty,
              GError     **error)
{
  GStatBuf st;

  *out_exists = FALSE;
  *out_empty = TRUE;

  if (g_stat (path, &st) != 0)
    {
      int saved = errno;

      if (saved == ENOENT)
        return TRUE;
      g_set_error (error, WF_STORE_ERROR,
                   saved == ENOTDIR || saved == EACCES || saved == EROFS
                   ? WF_STORE_ERROR_IO : WF_STORE_ERROR_OPEN,
                   _("Cannot open the database %s: %s"), path, g_strerror (saved));
      return FALSE;
    }

  *out_exists = TRUE;
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_OPEN,
                   _("Cannot open the database %s: it is not a regular file"), path);
      return FALSE;
    }
  if (st.st_size == 0)
    return TRUE;

  /* The header itself is checked by SQLite (SQLITE_NOTADB in
   * read_user_version). Reading it here with open()/close() would be wrong:
   * closing any descriptor of the file drops every POSIX lock this process
   * holds on it, including SQLite's locks of other live connections, and
   * another process could then checkpoint and delete the -wal under them. */
  *out_empty = FALSE;

  return TRUE;
}

static gint64
backup_time_of (const char *name,
                const char *prefix)
{
  guint64 t = 0;
  const char *p = name + strlen (prefix);
  const char *dash = strrchr (p, '-');

  if (dash == NULL || !g_ascii_string_to_unsigned (dash + 1, 10, 0, G_MAXINT64, &t, NULL))
    return -1;
  return (gint64) t;
}

static gint
compare_backup (gconstpointer a,
                gconstpointer b,
                gpointer      prefix)
{
  gint64 ta = backup_time_of (*(const char * const *) a, prefix);
  gint64 tb = backup_time_of (*(const char * const *) b, prefix);

  return ta < tb ? 1 : ta > tb ? -1 : 0;    /* newest first */
}

/* Keeps the newest N_BACKUPS_KEPT "<db>.bak-v<N>-<time>" files. */
static void
prune_backups (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *prefix = g_strconcat (base, ".bak-v", NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, prefix) && backup_time_of (name, prefix) >= 0)
      g_ptr_array_add (names, g_strdup (name));

  g_ptr_array_sort_with_data (names, compare_backup, prefix);
  for (guint i = N_BACKUPS_KEPT; i < names->len; i++)
    {
      g_autofree char *victim = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      g_unlink (victim);
    }
}

static gboolean
take_backup (WfStore     *self,
             int          from_version,
             GError     **error)
{
  g_autofree char *backup = g_strdup_printf ("%s.bak-v%d-%" G_GINT64_FORMAT,
                                             self->path, from_version, g_get_real_time ());
  g_autoptr(WfStmt) stmt = NULL;

  /* VACUUM INTO writes a consistent copy even with a live -wal beside the file. */
  stmt = wf_store_prepare (self, "VACUUM INTO ?", error);
  if (stmt == NULL)
    return FALSE;
  wf_store_bind_text (stmt, 1, backup);
  if (!wf_store_step_done (self, stmt, "backup before migration", error))
    {
      g_unlink (backup);
      return FALSE;
    }
  g_chmod (backup, 0600);
  prune_backups (self->path);
  return TRUE;
}

static int
read_user_version (WfStore  *self,
                   GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;
  int version = -1;

  /* Reading sqlite_master as well forces SQLite to parse the schema, which
   * is where a damaged file shows itself. */
  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT (SELECT count(*) FROM sqlite_master), user_version "
                           "FROM pragma_user_version", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        version = sqlite3_column_int (stmt, 1);
    }
  if (version < 0)
    {
      if ((rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT)
        g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_CORRUPT,
                     _("The database %s is damaged (%s); it was left untouched"),
                     self->path, sqlite3_errmsg (self->db));
      else
        wf_store_set_db_error (self, rc, "reading the schema version", error);
    }
  sqlite3_finalize (stmt);
  return version;
}

static gboolean
migrate (WfStore  *self,
         int       from_version,
         GError  **error)
{
  g_autofree char *set_version = NULL;
  TxKind kind;
  gboolean ok = TRUE;

  kind = wf_store_tx_begin (self, error);
  if (kind == TX_FAILED)
    return FALSE;

  /* Another process may have migrated between our first look and taking the
   * write lock. */
  from_version = read_user_version (self, error);
  if (from_version < 0)
    return wf_store_tx_end (self, kind, FALSE, NULL);
  if (from_version > WF_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_TOO_NEW,
                   _("The database %s was upgraded by a newer version of What If while opening"),
                   self->path);
      return wf_store_tx_end (self, kind, FALSE, NULL);
    }

  for (int v = from_version; ok && v < WF_STORE_SCHEMA_VERSION; v++)
    {
      g_autoptr(GError) local_error = NULL;

      if (!exec_sql (self, migrations[v], &local_error))
        {
          g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_MIGRATION,
                       _("Cannot upgrade the database %s to version %d: %s"),
                       self->path, v + 1, local_error->message);
          ok = FALSE;
        }
    }

  set_version = g_strdup_printf ("PRAGMA user_version = %d", WF_STORE_SCHEMA_VERSION);
  if (ok)
    ok = exec_sql (self, set_version, error);

  return wf_store_tx_end (self, kind, ok, ok ? error : NULL) && ok;
}

static gboolean
ensure_file (const char  *path,
             GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_IO,
                   _("Cannot create the folder %s for the database %s: %s"),
                   dir, path, g_strerror (saved));
      return FALSE;
    }

  /* Create the file ourselves so it is private from the first byte; SQLite
   * gives the -wal and -shm files the same mode. */
  fd = g_open (path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 && errno != EEXIST)
    {
      int saved = errno;
      g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_IO,
                   _("Cannot create the database %s: %s"), path, g_strerror (saved));
      return FALSE;
    }
  if (fd >= 0)
    close (fd);
  return TRUE;
}

WfStore *
wf_store_open (const char  *path,
               GError     **error)
{
  g_autoptr(WfStore) self = NULL;
  gboolean exists, empty;
  int version;
  int rc;

  g_return_val_if_fail (path != NULL && *path != '\0', NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_header (path, &exists, &empty, error))
    return NULL;
  if (!exists && !ensure_file (path, error))
    return NULL;

  self = g_object_new (WF_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_OPEN,
                   _("Cannot open the database %s: %s"), path,
                   self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);

  /* Nothing is written before the version is known: a newer database must be
   * left exactly as it was. */
  version = read_user_version (self, error);
  if (version < 0)
    return NULL;
  if (version > WF_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_TOO_NEW,
                   _("The database %s was written by a newer version of What If "
                     "(schema %d, this version knows %d); it was left untouched"),
                   path, version, WF_STORE_SCHEMA_VERSION);
      return NULL;
    }

  if (!exec_sql (self, "PRAGMA foreign_keys = ON", error) ||
      !exec_sql (self, "PRAGMA journal_mode = WAL", error) ||
      !exec_sql (self, "PRAGMA synchronous = NORMAL", error))
    return NULL;

  if (version < WF_STORE_SCHEMA_VERSION)
    {
      if (exists && !empty && !take_backup (self, version, error))
        return NULL;
      if (!migrate (self, version, error))
        return NULL;
    }

  self->schema_version = WF_STORE_SCHEMA_VERSION;
  return g_steal_pointer (&self);
}

gboolean
wf_store_check_integrity (WfStore  *self,
                          GError  **error)
{
  g_autoptr(GString) problems = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);

  rc = sqlite3_prepare_v2 (self->db, "PRAGMA integrity_check", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return wf_store_set_db_error (self, rc, "integrity check", error);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *line = (const char *) sqlite3_column_text (stmt, 0);
      if (line != NULL && !g_str_equal (line, "ok"))
        g_string_append_printf (problems, "%s%s", problems->len ? "; " : "", line);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    return wf_store_set_db_error (self, rc, "integrity check", error);

  if (problems->len > 0)
    {
      g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_CORRUPT,
                   _("The database %s fails its integrity check: %s"), self->path, problems->str);
      return FALSE;
    }

  return TRUE;
}

/* Meta */

char *
wf_store_dup_meta (WfStore     *self,
                   const char  *key,
                   GError     **error)
{
  g_autoptr(WfStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (WF_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  stmt = wf_store_prepare (self, "SELECT value FROM meta WHERE key = ?", error);
  if (stmt == NULL)
    return NULL;
  wf_store_bind_text (stmt, 1, key);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return wf_store_col_dup (stmt, 0);
  if (rc != SQLITE_DONE)
    wf_store_set_db_error (self, rc, "read meta", error);
  return NULL;
}

gboolean
wf_store_set_meta (WfStore     *self,
                   const char  *key,
                   const char  *value,
                   GError     **error)
{
  g_autoptr(WfStmt) stmt = NULL;

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  if (value == NULL)
    stmt = wf_store_prepare (self, "DELETE FROM meta WHERE key = ?1", error);
  else
    stmt = wf_store_prepare (self, "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)", error);
  if (stmt == NULL)
    return FALSE;
  wf_store_bind_text (stmt, 1, key);
  if (value != NULL)
    wf_store_bind_text (stmt, 2, value);
  return wf_store_step_done (self, stmt, "write meta", error);
}
