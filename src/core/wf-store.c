/* wf-store.c: the per-user SQLite database, the only place that speaks SQL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-store"

#include "config.h"

#include <inttypes.h>

#include "wf-store.h"

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
#define TITLE_MAX_CHARS 80
#define SEARCH_MAX_TERMS 16
#define LEDGER_KEY_MAX  256

struct _WfStore
{
  GObject     parent_instance;

  sqlite3    *db;
  char       *path;
  int         schema_version;
  GHashTable *stmts;          /* SQL text (static) → sqlite3_stmt */
};

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

static int
error_code_for_sqlite (int rc)
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

static gboolean
set_db_error (WfStore     *self,
              int          rc,
              const char  *what,
              GError     **error)
{
  const char *detail = self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);

  g_set_error (error, WF_STORE_ERROR, error_code_for_sqlite (rc),
               _("Database %s: %s failed: %s"), self->path, what, detail);
  return FALSE;
}

/* Statements, cached per connection */

typedef sqlite3_stmt WfStmt;

static void
stmt_release (WfStmt *stmt)
{
  /* Cached statements are reset, never finalised, so that the next caller
   * starts clean and no read lock outlives the call. */
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WfStmt, stmt_release)

static WfStmt *
prepare (WfStore     *self,
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
      set_db_error (self, rc, "prepare", error);
      return NULL;
    }

  g_hash_table_insert (self->stmts, (gpointer) sql, stmt);
  return stmt;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           i,
           const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, i);
  else
    sqlite3_bind_text (stmt, i, text, -1, SQLITE_TRANSIENT);
}

static void
bind_double (sqlite3_stmt *stmt,
             int           i,
             double        value)
{
  /* SQLite would store NaN as NULL anyway; be explicit about infinities too. */
  if (isfinite (value))
    sqlite3_bind_double (stmt, i, value);
  else
    sqlite3_bind_null (stmt, i);
}

static char *
col_dup (sqlite3_stmt *stmt,
         int           i)
{
  const unsigned char *text = sqlite3_column_text (stmt, i);

  return text ? g_strdup ((const char *) text) : NULL;
}

static double
col_double (sqlite3_stmt *stmt,
            int           i)
{
  if (sqlite3_column_type (stmt, i) == SQLITE_NULL)
    return NAN;
  return sqlite3_column_double (stmt, i);
}

/* Runs a statement that returns no rows. */
static gboolean
step_done (WfStore      *self,
           sqlite3_stmt *stmt,
           const char   *what,
           GError      **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      set_db_error (self, rc, what, error);
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
      g_set_error (error, WF_STORE_ERROR, error_code_for_sqlite (rc),
                   _("Database %s: %s"), self->path, errmsg ? errmsg : sqlite3_errstr (rc));
      sqlite3_free (errmsg);
      return FALSE;
    }

  return TRUE;
}

/* Transactions. A write outside any transaction takes the write lock at once
 * (BEGIN IMMEDIATE: a deferred one could fail to upgrade under WAL); inside one
 * it nests as a savepoint, so the caller's transaction stays all-or-nothing. */

typedef enum
{
  TX_FAILED,
  TX_TOP,
  TX_NESTED,
} TxKind;

static TxKind
tx_begin (WfStore  *self,
          GError  **error)
{
  if (sqlite3_get_autocommit (self->db))
    return exec_sql (self, "BEGIN IMMEDIATE", error) ? TX_TOP : TX_FAILED;

  return exec_sql (self, "SAVEPOINT wf_nested", error) ? TX_NESTED : TX_FAILED;
}

static gboolean
tx_end (WfStore   *self,
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

  kind = tx_begin (self, error);
  if (kind == TX_FAILED)
    return FALSE;

  ok = func (self, user_data, error);
  if (!ok && error != NULL && *error == NULL)
    g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_FAILED,
                 _("The transaction was abandoned"));

  return tx_end (self, kind, ok, ok ? error : NULL) && ok;
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
  stmt = prepare (self, "VACUUM INTO ?", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, backup);
  if (!step_done (self, stmt, "backup before migration", error))
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
        set_db_error (self, rc, "reading the schema version", error);
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

  kind = tx_begin (self, error);
  if (kind == TX_FAILED)
    return FALSE;

  /* Another process may have migrated between our first look and taking the
   * write lock. */
  from_version = read_user_version (self, error);
  if (from_version < 0)
    return tx_end (self, kind, FALSE, NULL);
  if (from_version > WF_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_TOO_NEW,
                   _("The database %s was upgraded by a newer version of What If while opening"),
                   self->path);
      return tx_end (self, kind, FALSE, NULL);
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

  return tx_end (self, kind, ok, ok ? error : NULL) && ok;
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
    return set_db_error (self, rc, "integrity check", error);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *line = (const char *) sqlite3_column_text (stmt, 0);
      if (line != NULL && !g_str_equal (line, "ok"))
        g_string_append_printf (problems, "%s%s", problems->len ? "; " : "", line);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    return set_db_error (self, rc, "integrity check", error);

  if (problems->len > 0)
    {
      g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_CORRUPT,
                   _("The database %s fails its integrity check: %s"), self->path, problems->str);
      return FALSE;
    }

  return TRUE;
}

/* Sessions */

static char *
title_from_question (const char *question)
{
  g_autofree char *valid = g_utf8_make_valid (question ? question : "", -1);
  g_autofree char *one_line = NULL;
  char *p;

  for (p = valid; *p; p++)
    if (*p == '\n' || *p == '\r' || *p == '\t')
      *p = ' ';
  one_line = g_strstrip (g_strdup (valid));

  if (*one_line == '\0')
    return g_strdup (_("New session"));
  if (g_utf8_strlen (one_line, -1) <= TITLE_MAX_CHARS)
    return g_steal_pointer (&one_line);

  {
    g_autofree char *cut = g_utf8_substring (one_line, 0, TITLE_MAX_CHARS - 1);
    return g_strconcat (cut, "…", NULL);
  }
}

static gboolean
insert_session (WfStore     *self,
                const char  *title,
                gint64       now,
                gint64      *out_id,
                GError     **error)
{
  g_autoptr(WfStmt) stmt = prepare (self,
    "INSERT INTO sessions (title, created_us, updated_us) VALUES (?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, title ? title : "");
  sqlite3_bind_int64 (stmt, 2, now);
  sqlite3_bind_int64 (stmt, 3, now);
  if (!step_done (self, stmt, "create session", error))
    return FALSE;
  *out_id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

gboolean
wf_store_create_session (WfStore     *self,
                         const char  *title,
                         gint64      *out_id,
                         GError     **error)
{
  g_autofree char *valid = NULL;
  gint64 id = 0;
  TxKind kind;
  gboolean ok;

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);

  valid = title ? g_utf8_make_valid (title, -1) : g_strdup (_("New session"));
  kind = tx_begin (self, error);
  if (kind == TX_FAILED)
    return FALSE;
  ok = insert_session (self, valid, g_get_real_time (), &id, error);
  if (!tx_end (self, kind, ok, ok ? error : NULL) || !ok)
    return FALSE;
  if (out_id)
    *out_id = id;
  return TRUE;
}

#define SESSION_COLUMNS \
  "s.id, s.title, s.created_us, s.updated_us, " \
  "(SELECT count(*) FROM runs r WHERE r.session_id = s.id), " \
  "(SELECT coalesce (sum (r.total_micros), 0) FROM runs r WHERE r.session_id = s.id) "

static WfSessionInfo *
session_from_row (sqlite3_stmt *stmt)
{
  WfSessionInfo *info = wf_session_info_new ();

  info->id = sqlite3_column_int64 (stmt, 0);
  info->title = col_dup (stmt, 1);
  info->created_us = sqlite3_column_int64 (stmt, 2);
  info->updated_us = sqlite3_column_int64 (stmt, 3);
  info->n_runs = (guint) sqlite3_column_int64 (stmt, 4);
  info->total_micros = sqlite3_column_int64 (stmt, 5);
  return info;
}

WfSessionInfo *
wf_store_get_session (WfStore  *self,
                      gint64    session_id,
                      GError  **error)
{
  g_autoptr(WfStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (WF_IS_STORE (self), NULL);

  stmt = prepare (self, "SELECT " SESSION_COLUMNS "FROM sessions s WHERE s.id = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, session_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return session_from_row (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_NOT_FOUND,
                 _("There is no session %" PRId64), session_id);
  else
    set_db_error (self, rc, "read session", error);
  return NULL;
}

GPtrArray *
wf_store_list_sessions (WfStore  *self,
                        guint     offset,
                        guint     limit,
                        GError  **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_session_info_free);
  g_autoptr(WfStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (WF_IS_STORE (self), NULL);

  stmt = prepare (self, "SELECT " SESSION_COLUMNS "FROM sessions s "
                        "ORDER BY s.updated_us DESC, s.id DESC LIMIT ? OFFSET ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, limit == 0 ? -1 : (gint64) limit);
  sqlite3_bind_int64 (stmt, 2, offset);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, session_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, rc, "list sessions", error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

static gboolean
expect_one_change (WfStore     *self,
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

gboolean
wf_store_rename_session (WfStore     *self,
                         gint64       session_id,
                         const char  *title,
                         GError     **error)
{
  g_autoptr(WfStmt) stmt = NULL;
  g_autofree char *valid = NULL;

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);
  g_return_val_if_fail (title != NULL, FALSE);

  valid = g_utf8_make_valid (title, -1);
  stmt = prepare (self, "UPDATE sessions SET title = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, valid);
  sqlite3_bind_int64 (stmt, 2, session_id);
  if (!step_done (self, stmt, "rename session", error))
    return FALSE;
  return expect_one_change (self, _("session"), session_id, error);
}

gboolean
wf_store_delete_session (WfStore  *self,
                         gint64    session_id,
                         GError  **error)
{
  g_autoptr(WfStmt) stmt = NULL;
  TxKind kind;
  gboolean ok;

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);

  stmt = prepare (self, "DELETE FROM sessions WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  kind = tx_begin (self, error);
  if (kind == TX_FAILED)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, session_id);
  ok = step_done (self, stmt, "delete session", error) &&
       expect_one_change (self, _("session"), session_id, error);
  sqlite3_reset (stmt);
  return tx_end (self, kind, ok, ok ? error : NULL) && ok;
}

GPtrArray *
wf_store_list_messages (WfStore  *self,
                        gint64    session_id,
                        GError  **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_message_free);
  g_autoptr(WfStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (WF_IS_STORE (self), NULL);

  stmt = prepare (self, "SELECT id, session_id, role, content, coalesce (run_id, 0), created_us "
                        "FROM messages WHERE session_id = ? ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, session_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      WfMessage *m = wf_message_new ((const char *) sqlite3_column_text (stmt, 2),
                                     (const char *) sqlite3_column_text (stmt, 3));
      m->id = sqlite3_column_int64 (stmt, 0);
      m->session_id = sqlite3_column_int64 (stmt, 1);
      m->run_id = sqlite3_column_int64 (stmt, 4);
      m->created_us = sqlite3_column_int64 (stmt, 5);
      g_ptr_array_add (list, m);
    }
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, rc, "list messages", error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

/* JSON columns */

static char *
builder_to_string (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autoptr(JsonGenerator) gen = json_generator_new ();

  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

static char *
strv_to_json (const GPtrArray *strings)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; strings != NULL && i < strings->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (strings, i));
  json_builder_end_array (builder);
  return builder_to_string (builder);
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL))
    return NULL;
  return json_node_copy (json_parser_get_root (parser));
}

static void
json_to_strv (const char *text,
              GPtrArray  *into)
{
  g_autoptr(JsonNode) node = parse_json (text);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *s = json_node_get_string (json_array_get_element (array, i));
      if (s != NULL)
        g_ptr_array_add (into, g_strdup (s));
    }
}

/* Runs */

static const char insert_run_sql[] =
  "INSERT INTO runs (session_id, parent_run_id, mode, language, question, code, code_hash,"
  " explanation, answer, outcome, message, provider, model, verdict_json, overrides_json,"
  " clarification_json, fixes_json, total_micros, cost_estimated, created_us, finished_us,"
  " has_result, status, exit_code, stdout, stderr, error_message, backend, result_verdict_json,"
  " logs_json, limits_hit_json, wall_ms, cpu_ms, peak_rss_kb, stdout_truncated,"
  " stderr_truncated, tables_truncated)"
  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
  " ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36, ?37)";

static gboolean
insert_run_row (WfStore     *self,
                const WfRun *run,
                gint64       session_id,
                gint64       created_us,
                gint64      *out_id,
                GError     **error)
{
  g_autoptr(WfStmt) stmt = prepare (self, insert_run_sql, error);
  g_autofree char *fixes = NULL;
  g_autofree char *logs = NULL;
  g_autofree char *limits = NULL;
  const WfRunResult *r = run->result;

  if (stmt == NULL)
    return FALSE;

  fixes = strv_to_json (run->fixes);
  sqlite3_bind_int64 (stmt, 1, session_id);
  if (run->parent_run_id > 0)
    sqlite3_bind_int64 (stmt, 2, run->parent_run_id);
  bind_text (stmt, 3, wf_mode_to_string (run->mode));
  bind_text (stmt, 4, run->language);
  bind_text (stmt, 5, run->question ? run->question : "");
  bind_text (stmt, 6, run->code);
  bind_text (stmt, 7, run->code_hash);
  bind_text (stmt, 8, run->explanation);
  bind_text (stmt, 9, run->answer);
  bind_text (stmt, 10, wf_outcome_to_string (run->outcome));
  bind_text (stmt, 11, run->message);
  bind_text (stmt, 12, run->provider);
  bind_text (stmt, 13, run->model);
  bind_text (stmt, 14, run->verdict_json);
  bind_text (stmt, 15, run->overrides_json);
  bind_text (stmt, 16, run->clarification_json);
  bind_text (stmt, 17, fixes);
  sqlite3_bind_int64 (stmt, 18, MAX (run->total_micros, 0));
  sqlite3_bind_int (stmt, 19, run->cost_estimated ? 1 : 0);
  sqlite3_bind_int64 (stmt, 20, created_us);
  sqlite3_bind_int64 (stmt, 21, run->finished_us);
  sqlite3_bind_int (stmt, 22, r != NULL);
  if (r != NULL)
    {
      logs = strv_to_json (r->logs);
      limits = strv_to_json (r->limits_hit);
      bind_text (stmt, 23, wf_run_status_to_string (r->status));
      sqlite3_bind_int (stmt, 24, r->exit_code);
      bind_text (stmt, 25, r->stdout_text);
      bind_text (stmt, 26, r->stderr_text);
      bind_text (stmt, 27, r->error_message);
      bind_text (stmt, 28, r->backend);
      bind_text (stmt, 29, r->verdict_json);
      bind_text (stmt, 30, logs);
      bind_text (stmt, 31, limits);
      sqlite3_bind_int64 (stmt, 32, r->wall_ms);
      sqlite3_bind_int64 (stmt, 33, r->cpu_ms);
      sqlite3_bind_int64 (stmt, 34, r->peak_rss_kb);
      sqlite3_bind_int (stmt, 35, r->stdout_truncated ? 1 : 0);
      sqlite3_bind_int (stmt, 36, r->stderr_truncated ? 1 : 0);
      sqlite3_bind_int (stmt, 37, r->tables_truncated ? 1 : 0);
    }
  else
    {
      /* Unbound parameters are NULL, not the column default. */
      sqlite3_bind_int (stmt, 24, 0);
      for (int i = 32; i <= 37; i++)
        sqlite3_bind_int (stmt, i, 0);
    }

  if (!step_done (self, stmt, "save run", error))
    return FALSE;
  *out_id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

static gboolean
insert_message (WfStore     *self,
                gint64       session_id,
                const char  *role,
                const char  *content,
                gint64       run_id,
                gint64       created_us,
                GError     **error)
{
  g_autoptr(WfStmt) stmt = prepare (self,
    "INSERT INTO messages (session_id, role, content, run_id, created_us) VALUES (?, ?, ?, ?, ?)",
    error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, session_id);
  bind_text (stmt, 2, role);
  bind_text (stmt, 3, content ? content : "");
  if (run_id > 0)
    sqlite3_bind_int64 (stmt, 4, run_id);
  sqlite3_bind_int64 (stmt, 5, created_us);
  return step_done (self, stmt, "save message", error);
}

static gboolean
insert_result_parts (WfStore            *self,
                     gint64              run_id,
                     const WfRunResult  *r,
                     GError            **error)
{
  g_autoptr(WfStmt) t = prepare (self, "INSERT INTO run_tables (run_id, idx, name, n_rows, table_json)"
                                       " VALUES (?, ?, ?, ?, ?)", error);
  g_autoptr(WfStmt) m = t ? prepare (self, "INSERT INTO run_metrics (run_id, idx, name, value, unit)"
                                           " VALUES (?, ?, ?, ?, ?)", error) : NULL;
  g_autoptr(WfStmt) p = m ? prepare (self, "INSERT INTO run_params (run_id, idx, label, kind, value,"
                                           " min, max, step) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", error) : NULL;
  g_autoptr(WfStmt) c = p ? prepare (self, "INSERT INTO run_charts (run_id, idx, chart_json)"
                                           " VALUES (?, ?, ?)", error) : NULL;

  if (c == NULL)
    return FALSE;

  for (guint i = 0; i < r->tables->len; i++)
    {
      const WfTable *table = g_ptr_array_index (r->tables, i);
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autofree char *json = NULL;

      wf_table_to_json (table, builder);
      json = builder_to_string (builder);
      sqlite3_bind_int64 (t, 1, run_id);
      sqlite3_bind_int (t, 2, (int) i);
      bind_text (t, 3, table->name);
      sqlite3_bind_int64 (t, 4, wf_table_get_n_rows (table));
      bind_text (t, 5, json);
      if (!step_done (self, t, "save run table", error))
        return FALSE;
      sqlite3_reset (t);
    }

  for (guint i = 0; i < r->metrics->len; i++)
    {
      const WfMetric *metric = g_ptr_array_index (r->metrics, i);

      sqlite3_bind_int64 (m, 1, run_id);
      sqlite3_bind_int (m, 2, (int) i);
      bind_text (m, 3, metric->name);
      bind_double (m, 4, metric->value);
      bind_text (m, 5, metric->unit);
      if (!step_done (self, m, "save run metric", error))
        return FALSE;
      sqlite3_reset (m);
    }

  for (guint i = 0; i < r->params->len; i++)
    {
      const WfParam *param = g_ptr_array_index (r->params, i);

      sqlite3_bind_int64 (p, 1, run_id);
      sqlite3_bind_int (p, 2, (int) i);
      bind_text (p, 3, param->label);
      bind_text (p, 4, param->kind);
      bind_double (p, 5, param->value);
      bind_double (p, 6, param->min);
      bind_double (p, 7, param->max);
      bind_double (p, 8, param->step);
      if (!step_done (self, p, "save run parameter", error))
        return FALSE;
      sqlite3_reset (p);
    }

  for (guint i = 0; i < r->charts->len; i++)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autofree char *json = NULL;

      wf_chart_to_json (g_ptr_array_index (r->charts, i), builder);
      json = builder_to_string (builder);
      sqlite3_bind_int64 (c, 1, run_id);
      sqlite3_bind_int (c, 2, (int) i);
      bind_text (c, 3, json);
      if (!step_done (self, c, "save run chart", error))
        return FALSE;
      sqlite3_reset (c);
    }

  return TRUE;
}

static gboolean
insert_spans (WfStore      *self,
              gint64        run_id,
              GPtrArray    *spans,
              GError      **error)
{
  g_autoptr(WfStmt) s = prepare (self,
    "INSERT INTO cost_spans (run_id, idx, stage, provider, model, input_tokens, output_tokens,"
    " llm_micros, sandbox_seconds, sandbox_micros, total_micros, start_us, duration_us, outcome,"
    " estimated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);

  if (s == NULL)
    return FALSE;

  for (guint i = 0; spans != NULL && i < spans->len; i++)
    {
      const WfCostSpan *span = g_ptr_array_index (spans, i);

      sqlite3_bind_int64 (s, 1, run_id);
      sqlite3_bind_int (s, 2, (int) i);
      bind_text (s, 3, span->stage);
      bind_text (s, 4, span->provider);
      bind_text (s, 5, span->model);
      sqlite3_bind_int64 (s, 6, span->input_tokens);
      sqlite3_bind_int64 (s, 7, span->output_tokens);
      sqlite3_bind_int64 (s, 8, MAX (span->llm_micros, 0));
      sqlite3_bind_double (s, 9, isfinite (span->sandbox_seconds) ? span->sandbox_seconds : 0.0);
      sqlite3_bind_int64 (s, 10, MAX (span->sandbox_micros, 0));
      sqlite3_bind_int64 (s, 11, MAX (span->total_micros, 0));
      sqlite3_bind_int64 (s, 12, span->start_us);
      sqlite3_bind_int64 (s, 13, span->duration_us);
      bind_text (s, 14, span->outcome);
      sqlite3_bind_int (s, 15, span->estimated ? 1 : 0);
      if (!step_done (self, s, "save cost span", error))
        return FALSE;
      sqlite3_reset (s);
    }

  return TRUE;
}

static gboolean ledger_insert (WfStore             *self,
                               const WfLedgerEntry *entry,
                               gint64               session_id,
                               gint64              *out_id,
                               GError             **error);

static gboolean
save_run_inner (WfStore             *self,
                const WfRun         *run,
                const WfLedgerEntry *settlement,
                gint64               now,
                gint64              *inout_session_id,
                gint64              *out_run_id,
                GError             **error)
{
  gint64 session_id = *inout_session_id;
  gint64 created_us = run->created_us > 0 ? run->created_us : now;
  const char *reply;

  if (session_id <= 0)
    {
      g_autofree char *title = title_from_question (run->question);
      if (!insert_session (self, title, now, &session_id, error))
        return FALSE;
    }
  else
    {
      g_autoptr(WfStmt) touch = prepare (self, "UPDATE sessions SET updated_us = max (updated_us, ?)"
                                               " WHERE id = ?", error);
      if (touch == NULL)
        return FALSE;
      sqlite3_bind_int64 (touch, 1, now);
      sqlite3_bind_int64 (touch, 2, session_id);
      if (!step_done (self, touch, "update session", error))
        return FALSE;
      if (sqlite3_changes (self->db) == 0)
        {
          g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_NOT_FOUND,
                       _("There is no session %" PRId64), session_id);
          return FALSE;
        }
    }

  if (!insert_run_row (self, run, session_id, created_us, out_run_id, error))
    return FALSE;

  reply = run->answer && *run->answer ? run->answer : run->message;
  if (!insert_message (self, session_id, "user", run->question, *out_run_id, created_us, error) ||
      !insert_message (self, session_id, "assistant", reply, *out_run_id,
                       run->finished_us > 0 ? run->finished_us : created_us, error))
    return FALSE;

  if (run->result != NULL && !insert_result_parts (self, *out_run_id, run->result, error))
    return FALSE;
  if (!insert_spans (self, *out_run_id, run->spans, error))
    return FALSE;
  if (settlement != NULL &&
      !ledger_insert (self, settlement,
                      settlement->session_id > 0 ? settlement->session_id : session_id,
                      NULL, error))
    return FALSE;

  *inout_session_id = session_id;
  return TRUE;
}

gboolean
wf_store_save_run (WfStore             *self,
                   WfRun               *run,
                   const WfLedgerEntry *settlement,
                   GError             **error)
{
  gint64 session_id;
  gint64 run_id = 0;
  gint64 now = g_get_real_time ();
  TxKind kind;
  gboolean ok;

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);
  g_return_val_if_fail (run != NULL, FALSE);

  session_id = run->session_id;
  kind = tx_begin (self, error);
  if (kind == TX_FAILED)
    return FALSE;
  ok = save_run_inner (self, run, settlement, now, &session_id, &run_id, error);
  if (!tx_end (self, kind, ok, ok ? error : NULL) || !ok)
    return FALSE;

  run->id = run_id;
  run->session_id = session_id;
  if (run->created_us <= 0)
    run->created_us = now;
  return TRUE;
}

static const char load_run_sql[] =
  "SELECT id, session_id, coalesce (parent_run_id, 0), mode, language, question, code, code_hash,"
  " explanation, answer, outcome, message, provider, model, verdict_json, overrides_json,"
  " clarification_json, fixes_json, total_micros, cost_estimated, created_us, finished_us,"
  " has_result, status, exit_code, stdout, stderr, error_message, backend, result_verdict_json,"
  " logs_json, limits_hit_json, wall_ms, cpu_ms, peak_rss_kb, stdout_truncated,"
  " stderr_truncated, tables_truncated FROM runs WHERE id = ?";

static gboolean
load_result_parts (WfStore      *self,
                   gint64        run_id,
                   WfRunResult  *r,
                   GError      **error)
{
  g_autoptr(WfStmt) t = prepare (self, "SELECT table_json FROM run_tables WHERE run_id = ? ORDER BY idx", error);
  g_autoptr(WfStmt) m = t ? prepare (self, "SELECT name, value, unit FROM run_metrics WHERE run_id = ? ORDER BY idx", error) : NULL;
  g_autoptr(WfStmt) p = m ? prepare (self, "SELECT label, kind, value, min, max, step FROM run_params"
                                           " WHERE run_id = ? ORDER BY idx", error) : NULL;
  g_autoptr(WfStmt) c = p ? prepare (self, "SELECT chart_json FROM run_charts WHERE run_id = ? ORDER BY idx", error) : NULL;
  int rc;

  if (c == NULL)
    return FALSE;

  sqlite3_bind_int64 (t, 1, run_id);
  while ((rc = sqlite3_step (t)) == SQLITE_ROW)
    {
      g_autoptr(JsonNode) node = parse_json ((const char *) sqlite3_column_text (t, 0));
      WfTable *table = node ? wf_table_from_json (node, NULL) : NULL;
      if (table == NULL)
        {
          g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_CORRUPT,
                       _("Database %s: a table of run %" PRId64 " is damaged"),
                       self->path, run_id);
          return FALSE;
        }
      g_ptr_array_add (r->tables, table);
    }
  if (rc != SQLITE_DONE)
    return set_db_error (self, rc, "load run tables", error);

  sqlite3_bind_int64 (m, 1, run_id);
  while ((rc = sqlite3_step (m)) == SQLITE_ROW)
    g_ptr_array_add (r->metrics, wf_metric_new ((const char *) sqlite3_column_text (m, 0),
                                                col_double (m, 1),
                                                (const char *) sqlite3_column_text (m, 2)));
  if (rc != SQLITE_DONE)
    return set_db_error (self, rc, "load run metrics", error);

  sqlite3_bind_int64 (p, 1, run_id);
  while ((rc = sqlite3_step (p)) == SQLITE_ROW)
    {
      WfParam *param = wf_param_new ((const char *) sqlite3_column_text (p, 0),
                                     (const char *) sqlite3_column_text (p, 1),
                                     col_double (p, 2));
      param->min = col_double (p, 3);
      param->max = col_double (p, 4);
      param->step = col_double (p, 5);
      g_ptr_array_add (r->params, param);
    }
  if (rc != SQLITE_DONE)
    return set_db_error (self, rc, "load run parameters", error);

  sqlite3_bind_int64 (c, 1, run_id);
  while ((rc = sqlite3_step (c)) == SQLITE_ROW)
    {
      g_autoptr(JsonNode) node = parse_json ((const char *) sqlite3_column_text (c, 0));
      WfChart *chart = node ? wf_chart_from_json (node, NULL) : NULL;
      if (chart != NULL)
        g_ptr_array_add (r->charts, chart);
    }
  if (rc != SQLITE_DONE)
    return set_db_error (self, rc, "load run charts", error);

  return TRUE;
}

static gboolean
load_spans (WfStore    *self,
            gint64      run_id,
            GPtrArray  *spans,
            GError    **error)
{
  g_autoptr(WfStmt) s = prepare (self,
    "SELECT stage, provider, model, input_tokens, output_tokens, llm_micros, sandbox_seconds,"
    " sandbox_micros, total_micros, start_us, duration_us, outcome, estimated"
    " FROM cost_spans WHERE run_id = ? ORDER BY idx", error);
  int rc;

  if (s == NULL)
    return FALSE;
  sqlite3_bind_int64 (s, 1, run_id);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      WfCostSpan *span = wf_cost_span_new ((const char *) sqlite3_column_text (s, 0));
      span->provider = col_dup (s, 1);
      span->model = col_dup (s, 2);
      span->input_tokens = sqlite3_column_int64 (s, 3);
      span->output_tokens = sqlite3_column_int64 (s, 4);
      span->llm_micros = sqlite3_column_int64 (s, 5);
      span->sandbox_seconds = sqlite3_column_double (s, 6);
      span->sandbox_micros = sqlite3_column_int64 (s, 7);
      span->total_micros = sqlite3_column_int64 (s, 8);
      span->start_us = sqlite3_column_int64 (s, 9);
      span->duration_us = sqlite3_column_int64 (s, 10);
      g_free (span->outcome);
      span->outcome = col_dup (s, 11);
      span->estimated = sqlite3_column_int (s, 12) != 0;
      g_ptr_array_add (spans, span);
    }
  if (rc != SQLITE_DONE)
    return set_db_error (self, rc, "load cost spans", error);
  return TRUE;
}

WfRun *
wf_store_load_run (WfStore  *self,
                   gint64    run_id,
                   GError  **error)
{
  g_autoptr(WfRun) run = NULL;
  g_autoptr(WfStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (WF_IS_STORE (self), NULL);

  stmt = prepare (self, load_run_sql, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, run_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_NOT_FOUND,
                   _("There is no run %" PRId64), run_id);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      set_db_error (self, rc, "load run", error);
      return NULL;
    }

  run = wf_run_new ();
  run->id = sqlite3_column_int64 (stmt, 0);
  run->session_id = sqlite3_column_int64 (stmt, 1);
  run->parent_run_id = sqlite3_column_int64 (stmt, 2);
  if (!wf_mode_from_string ((const char *) sqlite3_column_text (stmt, 3), &run->mode))
    run->mode = WF_MODE_ASK;
  run->language = col_dup (stmt, 4);
  run->question = col_dup (stmt, 5);
  run->code = col_dup (stmt, 6);
  run->code_hash = col_dup (stmt, 7);
  run->explanation = col_dup (stmt, 8);
  run->answer = col_dup (stmt, 9);
  if (!wf_outcome_from_string ((const char *) sqlite3_column_text (stmt, 10), &run->outcome))
    run->outcome = WF_OUTCOME_FAILED;
  run->message = col_dup (stmt, 11);
  run->provider = col_dup (stmt, 12);
  run->model = col_dup (stmt, 13);
  run->verdict_json = col_dup (stmt, 14);
  run->overrides_json = col_dup (stmt, 15);
  run->clarification_json = col_dup (stmt, 16);
  json_to_strv ((const char *) sqlite3_column_text (stmt, 17), run->fixes);
  run->total_micros = sqlite3_column_int64 (stmt, 18);
  run->cost_estimated = sqlite3_column_int (stmt, 19) != 0;
  run->created_us = sqlite3_column_int64 (stmt, 20);
  run->finished_us = sqlite3_column_int64 (stmt, 21);

  if (sqlite3_column_int (stmt, 22) != 0)
    {
      WfRunResult *r = wf_run_result_new ();

      run->result = r;
      if (!wf_run_status_from_string ((const char *) sqlite3_column_text (stmt, 23), &r->status))
        r->status = WF_RUN_STATUS_ERROR;
      r->exit_code = sqlite3_column_int (stmt, 24);
      g_free (r->stdout_text);
      r->stdout_text = g_strdup ((const char *) sqlite3_column_text (stmt, 25));
      g_free (r->stderr_text);
      r->stderr_text = g_strdup ((const char *) sqlite3_column_text (stmt, 26));
      if (r->stdout_text == NULL)
        r->stdout_text = g_strdup ("");
      if (r->stderr_text == NULL)
        r->stderr_text = g_strdup ("");
      r->error_message = col_dup (stmt, 27);
      r->backend = col_dup (stmt, 28);
      r->verdict_json = col_dup (stmt, 29);
      json_to_strv ((const char *) sqlite3_column_text (stmt, 30), r->logs);
      json_to_strv ((const char *) sqlite3_column_text (stmt, 31), r->limits_hit);
      r->wall_ms = sqlite3_column_int64 (stmt, 32);
      r->cpu_ms = sqlite3_column_int64 (stmt, 33);
      r->peak_rss_kb = sqlite3_column_int64 (stmt, 34);
      r->stdout_truncated = sqlite3_column_int (stmt, 35) != 0;
      r->stderr_truncated = sqlite3_column_int (stmt, 36) != 0;
      r->tables_truncated = sqlite3_column_int (stmt, 37) != 0;
    }
  sqlite3_reset (stmt);

  if (run->result != NULL && !load_result_parts (self, run->id, run->result, error))
    return NULL;
  if (!load_spans (self, run->id, run->spans, error))
    return NULL;

  return g_steal_pointer (&run);
}

static WfRunSummary *
summary_from_row (sqlite3_stmt *stmt)
{
  WfRunSummary *s = wf_run_summary_new ();

  s->id = sqlite3_column_int64 (stmt, 0);
  s->session_id = sqlite3_column_int64 (stmt, 1);
  if (!wf_mode_from_string ((const char *) sqlite3_column_text (stmt, 2), &s->mode))
    s->mode = WF_MODE_ASK;
  if (!wf_outcome_from_string ((const char *) sqlite3_column_text (stmt, 3), &s->outcome))
    s->outcome = WF_OUTCOME_FAILED;
  s->question = col_dup (stmt, 4);
  s->answer = col_dup (stmt, 5);
  s->model = col_dup (stmt, 6);
  s->total_micros = sqlite3_column_int64 (stmt, 7);
  s->cost_estimated = sqlite3_column_int (stmt, 8) != 0;
  s->created_us = sqlite3_column_int64 (stmt, 9);
  return s;
}

#define SUMMARY_COLUMNS \
  "r.id, r.session_id, r.mode, r.outcome, r.question, coalesce (r.answer, r.message), r.model," \
  " r.total_micros, r.cost_estimated, r.created_us "

static GPtrArray *
collect_summaries (WfStore       *self,
                   sqlite3_stmt  *stmt,
                   GError       **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_run_summary_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, summary_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, rc, "list runs", error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

GPtrArray *
wf_store_list_runs (WfStore  *self,
                    gint64    session_id,
                    guint     offset,
                    guint     limit,
                    GError  **error)
{
  g_autoptr(WfStmt) stmt = NULL;

  g_return_val_if_fail (WF_IS_STORE (self), NULL);

  if (session_id > 0)
    stmt = prepare (self, "SELECT " SUMMARY_COLUMNS "FROM runs r WHERE r.session_id = ?3"
                          " ORDER BY r.id DESC LIMIT ?1 OFFSET ?2", error);
  else
    stmt = prepare (self, "SELECT " SUMMARY_COLUMNS "FROM runs r"
                          " ORDER BY r.id DESC LIMIT ?1 OFFSET ?2", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, limit == 0 ? -1 : (gint64) limit);
  sqlite3_bind_int64 (stmt, 2, offset);
  if (session_id > 0)
    sqlite3_bind_int64 (stmt, 3, session_id);
  return collect_summaries (self, stmt, error);
}

gint64
wf_store_count_runs (WfStore  *self,
                     gint64    session_id,
                     GError  **error)
{
  g_autoptr(WfStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (WF_IS_STORE (self), -1);

  stmt = prepare (self, "SELECT count(*) FROM runs WHERE ?1 <= 0 OR session_id = ?1", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, session_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      set_db_error (self, rc, "count runs", error);
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

/* Turns what a person typed into an FTS5 query that cannot be a syntax error:
 * every word becomes a quoted prefix term, all of them required. */
static char *
fts_query_from_text (const char *text)
{
  g_autoptr(GString) q = g_string_new (NULL);
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  const char *p = valid;
  guint n_terms = 0;

  while (*p && n_terms < SEARCH_MAX_TERMS)
    {
      const char *start;

      while (*p && !g_unichar_isalnum (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      start = p;
      while (*p && g_unichar_isalnum (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      if (p > start)
        {
          g_string_append_printf (q, "%s\"%.*s\"*", n_terms ? " " : "", (int) (p - start), start);
          n_terms++;
        }
    }

  return g_string_free (g_steal_pointer (&q), FALSE);
}

GPtrArray *
wf_store_search_runs (WfStore     *self,
                      const char  *query,
                      guint        limit,
                      GError     **error)
{
  g_autoptr(WfStmt) stmt = NULL;
  g_autofree char *fts = NULL;

  g_return_val_if_fail (WF_IS_STORE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  fts = fts_query_from_text (query);
  if (*fts == '\0')
    return g_ptr_array_new_with_free_func ((GDestroyNotify) wf_run_summary_free);

  stmt = prepare (self, "SELECT " SUMMARY_COLUMNS "FROM runs_fts JOIN runs r ON r.id = runs_fts.rowid"
                        " WHERE runs_fts MATCH ?1 ORDER BY bm25 (runs_fts), r.id DESC LIMIT ?2", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, fts);
  sqlite3_bind_int64 (stmt, 2, limit == 0 ? -1 : (gint64) limit);
  return collect_summaries (self, stmt, error);
}

/* Spend ledger */

static gboolean
ledger_insert (WfStore             *self,
               const WfLedgerEntry *entry,
               gint64               session_id,
               gint64              *out_id,
               GError             **error)
{
  g_autoptr(WfStmt) stmt = NULL;
  int rc;

  if (entry->run_key == NULL || *entry->run_key == '\0' ||
      strlen (entry->run_key) > LEDGER_KEY_MAX || !g_utf8_validate (entry->run_key, -1, NULL))
    {
      g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_INVALID,
                   _("A spend ledger entry needs a run key of 1 to %d bytes of text"),
                   LEDGER_KEY_MAX);
      return FALSE;
    }
  if (entry->amount_micros < 0)
    {
      g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_INVALID,
                   _("A spend ledger amount cannot be negative"));
      return FALSE;
    }

  stmt = prepare (self,
    "INSERT INTO spend_ledger (run_key, kind, amount_micros, session_id, provider, model,"
    " estimated, created_us, expires_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, entry->run_key);
  bind_text (stmt, 2, wf_ledger_kind_to_string (entry->kind));
  sqlite3_bind_int64 (stmt, 3, entry->amount_micros);
  sqlite3_bind_int64 (stmt, 4, MAX (session_id, 0));
  bind_text (stmt, 5, entry->provider);
  bind_text (stmt, 6, entry->model);
  sqlite3_bind_int (stmt, 7, entry->estimated ? 1 : 0);
  sqlite3_bind_int64 (stmt, 8, entry->created_us > 0 ? entry->created_us : g_get_real_time ());
  sqlite3_bind_int64 (stmt, 9, entry->kind == WF_LEDGER_RESERVE ? MAX (entry->expires_us, 0) : 0);

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    {
      if ((rc & 0xff) == SQLITE_CONSTRAINT)
        g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_CONSTRAINT,
                     _("The spend ledger already has a “%s” entry for %s"),
                     wf_ledger_kind_to_string (entry->kind), entry->run_key);
      else
        set_db_error (self, rc, "append to the spend ledger", error);
      return FALSE;
    }
  if (out_id)
    *out_id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

gboolean
wf_store_ledger_append (WfStore        *self,
                        WfLedgerEntry  *entry,
                        GError        **error)
{
  gint64 id = 0;
  gint64 now = g_get_real_time ();
  TxKind kind;
  gboolean ok;

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);
  g_return_val_if_fail (entry != NULL, FALSE);

  if (entry->created_us <= 0)
    entry->created_us = now;
  kind = tx_begin (self, error);
  if (kind == TX_FAILED)
    return FALSE;
  ok = ledger_insert (self, entry, entry->session_id, &id, error);
  if (!tx_end (self, kind, ok, ok ? error : NULL) || !ok)
    return FALSE;
  entry->id = id;
  return TRUE;
}

gboolean
wf_store_ledger_totals (WfStore        *self,
                        gint64          since_us,
                        gint64          until_us,
                        gint64          session_id,
                        gint64          now_us,
                        WfSpendTotals  *out_totals,
                        GError        **error)
{
  g_autoptr(WfStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);
  g_return_val_if_fail (out_totals != NULL, FALSE);

  memset (out_totals, 0, sizeof *out_totals);
  stmt = prepare (self,
    "SELECT"
    " coalesce (sum (CASE WHEN l.kind = 'settle' THEN l.amount_micros END), 0),"
    " coalesce (sum (CASE WHEN l.kind = 'reserve' AND (l.expires_us = 0 OR l.expires_us > ?4)"
    "   AND NOT EXISTS (SELECT 1 FROM spend_ledger c WHERE c.run_key = l.run_key"
    "                   AND c.kind IN ('settle', 'release'))"
    "   THEN l.amount_micros END), 0),"
    " count (CASE WHEN l.kind = 'settle' THEN 1 END),"
    " count (CASE WHEN l.kind = 'settle' AND l.estimated THEN 1 END)"
    " FROM spend_ledger l"
    " WHERE l.created_us >= ?1 AND l.created_us < ?2 AND (?3 <= 0 OR l.session_id = ?3)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, since_us);
  sqlite3_bind_int64 (stmt, 2, until_us);
  sqlite3_bind_int64 (stmt, 3, session_id);
  sqlite3_bind_int64 (stmt, 4, now_us);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return set_db_error (self, rc, "add up the spend ledger", error);

  out_totals->settled_micros = sqlite3_column_int64 (stmt, 0);
  out_totals->reserved_micros = sqlite3_column_int64 (stmt, 1);
  out_totals->n_settled = (guint) sqlite3_column_int64 (stmt, 2);
  out_totals->n_estimated = (guint) sqlite3_column_int64 (stmt, 3);
  return TRUE;
}

GPtrArray *
wf_store_ledger_list (WfStore  *self,
                      gint64    since_us,
                      gint64    until_us,
                      GError  **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_ledger_entry_free);
  g_autoptr(WfStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (WF_IS_STORE (self), NULL);

  stmt = prepare (self, "SELECT id, run_key, kind, amount_micros, session_id, provider, model,"
                        " estimated, created_us, expires_us FROM spend_ledger"
                        " WHERE created_us >= ? AND created_us < ? ORDER BY created_us, id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, since_us);
  sqlite3_bind_int64 (stmt, 2, until_us);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      WfLedgerKind kind = WF_LEDGER_SETTLE;
      WfLedgerEntry *e;

      wf_ledger_kind_from_string ((const char *) sqlite3_column_text (stmt, 2), &kind);
      e = wf_ledger_entry_new ((const char *) sqlite3_column_text (stmt, 1), kind,
                               sqlite3_column_int64 (stmt, 3));
      e->id = sqlite3_column_int64 (stmt, 0);
      e->session_id = sqlite3_column_int64 (stmt, 4);
      e->provider = col_dup (stmt, 5);
      e->model = col_dup (stmt, 6);
      e->estimated = sqlite3_column_int (stmt, 7) != 0;
      e->created_us = sqlite3_column_int64 (stmt, 8);
      e->expires_us = sqlite3_column_int64 (stmt, 9);
      g_ptr_array_add (list, e);
    }
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, rc, "list the spend ledger", error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

void
wf_spend_row_free (WfSpendRow *row)
{
  if (row == NULL)
    return;
  g_free (row->key);
  g_free (row);
}

GPtrArray *
wf_store_spend_report (WfStore         *self,
                       WfSpendGrouping  grouping,
                       gint64           since_us,
                       gint64           until_us,
                       GError         **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_spend_row_free);
  g_autoptr(WfStmt) stmt = NULL;
  const char *sql;
  int rc;

  g_return_val_if_fail (WF_IS_STORE (self), NULL);

  switch (grouping)
    {
    case WF_SPEND_BY_DAY:
      sql = "SELECT strftime ('%Y-%m-%d', created_us / 1000000, 'unixepoch', 'localtime') AS k,"
            " sum (amount_micros), count(*), coalesce (sum (CASE WHEN estimated THEN amount_micros END), 0)"
            " FROM spend_ledger WHERE kind = 'settle' AND created_us >= ? AND created_us < ?"
            " GROUP BY k ORDER BY k";
      break;
    case WF_SPEND_BY_MONTH:
      sql = "SELECT strftime ('%Y-%m', created_us / 1000000, 'unixepoch', 'localtime') AS k,"
            " sum (amount_micros), count(*), coalesce (sum (CASE WHEN estimated THEN amount_micros END), 0)"
            " FROM spend_ledger WHERE kind = 'settle' AND created_us >= ? AND created_us < ?"
            " GROUP BY k ORDER BY k";
      break;
    case WF_SPEND_BY_MODEL:
      sql = "SELECT coalesce (model, '') AS k,"
            " sum (amount_micros), count(*), coalesce (sum (CASE WHEN estimated THEN amount_micros END), 0)"
            " FROM spend_ledger WHERE kind = 'settle' AND created_us >= ? AND created_us < ?"
            " GROUP BY k ORDER BY k";
      break;
    default:
      g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_INVALID, _("Unknown spend grouping"));
      return NULL;
    }

  stmt = prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, since_us);
  sqlite3_bind_int64 (stmt, 2, until_us);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      WfSpendRow *row = g_new0 (WfSpendRow, 1);
      row->key = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      if (row->key == NULL)
        row->key = g_strdup ("");
      row->micros = sqlite3_column_int64 (stmt, 1);
      row->n_entries = (guint) sqlite3_column_int64 (stmt, 2);
      row->estimated_micros = sqlite3_column_int64 (stmt, 3);
      g_ptr_array_add (list, row);
    }
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, rc, "spend report", error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

/* Budgets */

gboolean
wf_store_get_budget_limits (WfStore         *self,
                            WfBudgetLimits  *out_limits,
                            GError         **error)
{
  g_autoptr(WfStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);
  g_return_val_if_fail (out_limits != NULL, FALSE);

  out_limits->monthly_micros = -1;
  out_limits->session_micros = -1;
  out_limits->run_micros = -1;
  out_limits->warn_ratio = 0.80;
  out_limits->degrade_ratio = 0.95;

  stmt = prepare (self, "SELECT monthly_micros, session_micros, run_micros, warn_ratio, degrade_ratio"
                        " FROM budgets WHERE id = 1", error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      out_limits->monthly_micros = sqlite3_column_int64 (stmt, 0);
      out_limits->session_micros = sqlite3_column_int64 (stmt, 1);
      out_limits->run_micros = sqlite3_column_int64 (stmt, 2);
      out_limits->warn_ratio = sqlite3_column_double (stmt, 3);
      out_limits->degrade_ratio = sqlite3_column_double (stmt, 4);
      return TRUE;
    }
  if (rc == SQLITE_DONE)
    return TRUE;
  return set_db_error (self, rc, "read the budget", error);
}

gboolean
wf_store_set_budget_limits (WfStore               *self,
                            const WfBudgetLimits  *limits,
                            GError               **error)
{
  g_autoptr(WfStmt) stmt = NULL;

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);
  g_return_val_if_fail (limits != NULL, FALSE);

  if (!isfinite (limits->warn_ratio) || !isfinite (limits->degrade_ratio) ||
      limits->warn_ratio <= 0 || limits->degrade_ratio <= 0 ||
      limits->warn_ratio > limits->degrade_ratio || limits->degrade_ratio > 1.0)
    {
      g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_INVALID,
                   _("Budget thresholds must satisfy 0 < warn ≤ degrade ≤ 1"));
      return FALSE;
    }

  stmt = prepare (self, "INSERT OR REPLACE INTO budgets (id, monthly_micros, session_micros, run_micros,"
                        " warn_ratio, degrade_ratio) VALUES (1, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, limits->monthly_micros < 0 ? -1 : limits->monthly_micros);
  sqlite3_bind_int64 (stmt, 2, limits->session_micros < 0 ? -1 : limits->session_micros);
  sqlite3_bind_int64 (stmt, 3, limits->run_micros < 0 ? -1 : limits->run_micros);
  sqlite3_bind_double (stmt, 4, limits->warn_ratio);
  sqlite3_bind_double (stmt, 5, limits->degrade_ratio);
  return step_done (self, stmt, "save the budget", error);
}

/* Models */

gboolean
wf_store_upsert_models (WfStore    *self,
                        GPtrArray  *models,
                        GError    **error)
{
  g_autoptr(WfStmt) stmt = NULL;
  TxKind kind;
  gboolean ok = TRUE;

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);
  g_return_val_if_fail (models != NULL, FALSE);

  stmt = prepare (self, "INSERT OR REPLACE INTO models (id, provider, name, input_micros_per_mtok,"
                        " output_micros_per_mtok, context_length, fetched_us) VALUES (?, ?, ?, ?, ?, ?, ?)",
                  error);
  if (stmt == NULL)
    return FALSE;
  kind = tx_begin (self, error);
  if (kind == TX_FAILED)
    return FALSE;
  for (guint i = 0; ok && i < models->len; i++)
    {
      const WfModelInfo *m = g_ptr_array_index (models, i);

      if (m->id == NULL || m->provider == NULL)
        {
          g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_INVALID,
                       _("A model needs an id and a provider"));
          ok = FALSE;
          break;
        }
      bind_text (stmt, 1, m->id);
      bind_text (stmt, 2, m->provider);
      bind_text (stmt, 3, m->name);
      sqlite3_bind_int64 (stmt, 4, m->input_micros_per_mtok);
      sqlite3_bind_int64 (stmt, 5, m->output_micros_per_mtok);
      sqlite3_bind_int64 (stmt, 6, m->context_length);
      sqlite3_bind_int64 (stmt, 7, m->fetched_us > 0 ? m->fetched_us : g_get_real_time ());
      ok = step_done (self, stmt, "save model", error);
      sqlite3_reset (stmt);
    }
  return tx_end (self, kind, ok, ok ? error : NULL) && ok;
}

GPtrArray *
wf_store_list_models (WfStore     *self,
                      const char  *provider,
                      GError     **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_model_info_free);
  g_autoptr(WfStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (WF_IS_STORE (self), NULL);

  stmt = prepare (self, "SELECT id, provider, name, input_micros_per_mtok, output_micros_per_mtok,"
                        " context_length, fetched_us FROM models WHERE ?1 IS NULL OR provider = ?1"
                        " ORDER BY provider, id", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, provider);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      WfModelInfo *m = wf_model_info_new ((const char *) sqlite3_column_text (stmt, 0),
                                          (const char *) sqlite3_column_text (stmt, 1));
      m->name = col_dup (stmt, 2);
      m->input_micros_per_mtok = sqlite3_column_int64 (stmt, 3);
      m->output_micros_per_mtok = sqlite3_column_int64 (stmt, 4);
      m->context_length = sqlite3_column_int64 (stmt, 5);
      m->fetched_us = sqlite3_column_int64 (stmt, 6);
      g_ptr_array_add (list, m);
    }
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, rc, "list models", error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

/* Telemetry outbox */

void
wf_outbox_item_free (WfOutboxItem *item)
{
  if (item == NULL)
    return;
  g_free (item->payload);
  g_free (item);
}

gboolean
wf_store_outbox_add (WfStore     *self,
                     const char  *payload,
                     gint64      *out_id,
                     GError     **error)
{
  g_autoptr(WfStmt) stmt = NULL;
  gint64 now = g_get_real_time ();

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);
  g_return_val_if_fail (payload != NULL, FALSE);

  stmt = prepare (self, "INSERT INTO telemetry_outbox (payload, attempts, next_attempt_us, created_us)"
                        " VALUES (?, 0, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, payload);
  sqlite3_bind_int64 (stmt, 2, now);
  sqlite3_bind_int64 (stmt, 3, now);
  if (!step_done (self, stmt, "queue telemetry", error))
    return FALSE;
  if (out_id)
    *out_id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

GPtrArray *
wf_store_outbox_due (WfStore  *self,
                     gint64    now_us,
                     guint     limit,
                     GError  **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_outbox_item_free);
  g_autoptr(WfStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (WF_IS_STORE (self), NULL);

  stmt = prepare (self, "SELECT id, payload, attempts, next_attempt_us, created_us FROM telemetry_outbox"
                        " WHERE next_attempt_us <= ? ORDER BY id LIMIT ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, now_us);
  sqlite3_bind_int64 (stmt, 2, limit == 0 ? -1 : (gint64) limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      WfOutboxItem *item = g_new0 (WfOutboxItem, 1);
      item->id = sqlite3_column_int64 (stmt, 0);
      item->payload = col_dup (stmt, 1);
      item->attempts = (guint) sqlite3_column_int64 (stmt, 2);
      item->next_attempt_us = sqlite3_column_int64 (stmt, 3);
      item->created_us = sqlite3_column_int64 (stmt, 4);
      g_ptr_array_add (list, item);
    }
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, rc, "read the telemetry outbox", error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

gboolean
wf_store_outbox_delete (WfStore  *self,
                        gint64    id,
                        GError  **error)
{
  g_autoptr(WfStmt) stmt = NULL;

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);

  stmt = prepare (self, "DELETE FROM telemetry_outbox WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!step_done (self, stmt, "delete telemetry", error))
    return FALSE;
  return expect_one_change (self, _("telemetry item"), id, error);
}

gboolean
wf_store_outbox_defer (WfStore     *self,
                       gint64       id,
                       gint64       next_attempt_us,
                       const char  *payload,
                       GError     **error)
{
  g_autoptr(WfStmt) stmt = NULL;

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);

  stmt = prepare (self, "UPDATE telemetry_outbox SET attempts = attempts + 1, next_attempt_us = ?,"
                        " payload = coalesce (?, payload) WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, next_attempt_us);
  bind_text (stmt, 2, payload);
  sqlite3_bind_int64 (stmt, 3, id);
  if (!step_done (self, stmt, "defer telemetry", error))
    return FALSE;
  return expect_one_change (self, _("telemetry item"), id, error);
}

static gint64
count_query (WfStore     *self,
             const char  *sql,
             GError     **error)
{
  g_autoptr(WfStmt) stmt = prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return -1;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      set_db_error (self, rc, "count", error);
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

gint64
wf_store_outbox_count (WfStore  *self,
                       GError  **error)
{
  g_return_val_if_fail (WF_IS_STORE (self), -1);
  return count_query (self, "SELECT count(*) FROM telemetry_outbox", error);
}

/* Datasets */

char *
wf_store_dup_workbook_path (WfStore *self)
{
  g_autofree char *stem = NULL;

  g_return_val_if_fail (WF_IS_STORE (self), NULL);

  stem = g_str_has_suffix (self->path, ".db")
         ? g_strndup (self->path, strlen (self->path) - 3)
         : g_strdup (self->path);
  return g_strconcat (stem, "-workbook.db", NULL);
}

static gboolean
valid_dataset_name (const char  *name,
                    GError     **error)
{
  if (name != NULL && *name != '\0' && strlen (name) <= 64 && g_utf8_validate (name, -1, NULL))
    return TRUE;
  g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_INVALID,
               _("A dataset name must be 1 to 64 bytes of text"));
  return FALSE;
}

gboolean
wf_store_add_dataset (WfStore    *self,
                      WfDataset  *dataset,
                      GError    **error)
{
  g_autoptr(WfStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);
  g_return_val_if_fail (dataset != NULL, FALSE);

  if (!valid_dataset_name (dataset->name, error))
    return FALSE;
  if (dataset->imported_us <= 0)
    dataset->imported_us = g_get_real_time ();

  stmt = prepare (self, "INSERT INTO datasets (name, file_name, table_name, n_rows, columns_json, imported_us)"
                        " VALUES (?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, dataset->name);
  bind_text (stmt, 2, dataset->file_name);
  bind_text (stmt, 3, dataset->table_name ? dataset->table_name : dataset->name);
  sqlite3_bind_int64 (stmt, 4, MAX (dataset->n_rows, 0));
  bind_text (stmt, 5, dataset->columns_json);
  sqlite3_bind_int64 (stmt, 6, dataset->imported_us);
  rc = sqlite3_step (stmt);
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    {
      g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_CONSTRAINT,
                   _("There is already a dataset named “%s”"), dataset->name);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return set_db_error (self, rc, "add dataset", error);
  dataset->id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

static WfDataset *
dataset_from_row (sqlite3_stmt *stmt)
{
  WfDataset *d = wf_dataset_new ((const char *) sqlite3_column_text (stmt, 1));

  d->id = sqlite3_column_int64 (stmt, 0);
  d->file_name = col_dup (stmt, 2);
  d->table_name = col_dup (stmt, 3);
  d->n_rows = sqlite3_column_int64 (stmt, 4);
  d->columns_json = col_dup (stmt, 5);
  d->imported_us = sqlite3_column_int64 (stmt, 6);
  return d;
}

GPtrArray *
wf_store_list_datasets (WfStore  *self,
                        GError  **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_dataset_free);
  g_autoptr(WfStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (WF_IS_STORE (self), NULL);

  stmt = prepare (self, "SELECT id, name, file_name, table_name, n_rows, columns_json, imported_us"
                        " FROM datasets ORDER BY name", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, dataset_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, rc, "list datasets", error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

WfDataset *
wf_store_get_dataset (WfStore     *self,
                      const char  *name,
                      GError     **error)
{
  g_autoptr(WfStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (WF_IS_STORE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  stmt = prepare (self, "SELECT id, name, file_name, table_name, n_rows, columns_json, imported_us"
                        " FROM datasets WHERE name = ?", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, name);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return dataset_from_row (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_NOT_FOUND,
                 _("There is no dataset named “%s”"), name);
  else
    set_db_error (self, rc, "read dataset", error);
  return NULL;
}

gboolean
wf_store_rename_dataset (WfStore     *self,
                         const char  *name,
                         const char  *new_name,
                         GError     **error)
{
  g_autoptr(WfStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (!valid_dataset_name (new_name, error))
    return FALSE;
  stmt = prepare (self, "UPDATE datasets SET name = ? WHERE name = ?", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, new_name);
  bind_text (stmt, 2, name);
  rc = sqlite3_step (stmt);
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    {
      g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_CONSTRAINT,
                   _("There is already a dataset named “%s”"), new_name);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return set_db_error (self, rc, "rename dataset", error);
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_NOT_FOUND,
                   _("There is no dataset named “%s”"), name);
      return FALSE;
    }
  return TRUE;
}

gboolean
wf_store_delete_dataset (WfStore     *self,
                         const char  *name,
                         GError     **error)
{
  g_autoptr(WfStmt) stmt = NULL;

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  stmt = prepare (self, "DELETE FROM datasets WHERE name = ?", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, name);
  if (!step_done (self, stmt, "delete dataset", error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_NOT_FOUND,
                   _("There is no dataset named “%s”"), name);
      return FALSE;
    }
  return TRUE;
}

/* A re-import (replace): the record keeps its id and name. */
gboolean
wf_store_update_dataset (WfStore    *self,
                         WfDataset  *dataset,
                         GError    **error)
{
  g_autoptr(WfStmt) stmt = NULL;

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);
  g_return_val_if_fail (dataset != NULL && dataset->name != NULL, FALSE);

  if (dataset->imported_us <= 0)
    dataset->imported_us = g_get_real_time ();
  stmt = prepare (self, "UPDATE datasets SET file_name = ?, table_name = ?, n_rows = ?, columns_json = ?,"
                        " imported_us = ? WHERE name = ?", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, dataset->file_name);
  bind_text (stmt, 2, dataset->table_name ? dataset->table_name : dataset->name);
  sqlite3_bind_int64 (stmt, 3, MAX (dataset->n_rows, 0));
  bind_text (stmt, 4, dataset->columns_json);
  sqlite3_bind_int64 (stmt, 5, dataset->imported_us);
  bind_text (stmt, 6, dataset->name);
  if (!step_done (self, stmt, "update dataset", error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_NOT_FOUND,
                   _("There is no dataset named “%s”"), dataset->name);
      return FALSE;
    }
  return TRUE;
}

/* The workbook is its own database, opened only for these short calls. The
 * sandbox binds its journal file, so it keeps a persistent journal
 * (journal_mode=TRUNCATE) rather than deleting it; opening it read-write also
 * rolls back the hot journal of an import that was killed. */
static sqlite3 *
open_workbook (WfStore  *self,
               gboolean  create,
               GError  **error)
{
  g_autofree char *path = wf_store_dup_workbook_path (self);
  sqlite3 *db = NULL;
  int rc;

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) |
                                   SQLITE_OPEN_NOMUTEX, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_busy_timeout (db, 10000);
      rc = sqlite3_exec (db, "PRAGMA journal_mode=TRUNCATE", NULL, NULL, NULL);
    }
  if (rc != SQLITE_OK)
    {
      g_set_error (error, WF_STORE_ERROR, error_code_for_sqlite (rc),
                   _("Database %s: open workbook failed: %s"), path,
                   db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close (db);
      return NULL;
    }
  return db;
}

gboolean
wf_store_drop_workbook_table (WfStore     *self,
                              const char  *table_name,
                              GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *sql = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);
  g_return_val_if_fail (table_name != NULL, FALSE);

  path = wf_store_dup_workbook_path (self);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  db = open_workbook (self, FALSE, error);
  if (db == NULL)
    return FALSE;
  sql = sqlite3_mprintf ("DROP TABLE IF EXISTS \"%w\"", table_name);
  rc = sqlite3_exec (db, sql, NULL, NULL, NULL);
  sqlite3_free (g_steal_pointer (&sql));
  if (rc != SQLITE_OK)
    g_set_error (error, WF_STORE_ERROR, error_code_for_sqlite (rc),
                 _("Database %s: drop table failed: %s"), path, sqlite3_errmsg (db));
  sqlite3_close (db);
  return rc == SQLITE_OK;
}

GStrv
wf_store_list_workbook_tables (WfStore  *self,
                               GError  **error)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_autofree char *path = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (WF_IS_STORE (self), NULL);

  path = wf_store_dup_workbook_path (self);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return g_strv_builder_end (names);
  db = open_workbook (self, FALSE, error);
  if (db == NULL)
    return NULL;
  rc = sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      g_strv_builder_add (names, (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, WF_STORE_ERROR, error_code_for_sqlite (rc),
                   _("Database %s: list tables failed: %s"), path, sqlite3_errmsg (db));
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_close (db);
  return g_strv_builder_end (names);
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

  stmt = prepare (self, "SELECT value FROM meta WHERE key = ?", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, key);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return col_dup (stmt, 0);
  if (rc != SQLITE_DONE)
    set_db_error (self, rc, "read meta", error);
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
    stmt = prepare (self, "DELETE FROM meta WHERE key = ?1", error);
  else
    stmt = prepare (self, "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, key);
  if (value != NULL)
    bind_text (stmt, 2, value);
  return step_done (self, stmt, "write meta", error);
}
