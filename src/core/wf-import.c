/* wf-import.c: CSV files become datasets in the workbook, parsed inside the sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The C side never reads the CSV's contents: it checks the file's size,
 * makes sure the workbook and its journal exist (the sandbox binds both),
 * runs an import job (whatif_import.py) and records the dataset in the
 * store. The job writes the whole import in one transaction, so a failure at
 * any point, including a kill, leaves the workbook as it was.
 */
#define G_LOG_DOMAIN "wf-import"

#include "config.h"

#include "wf-import.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

G_DEFINE_QUARK (wf-import-error-quark, wf_import_error)

#define MAX_NAME_LEN      64
#define MAX_FILE_BYTES    ((gint64) 2 * 1024 * 1024 * 1024)
#define MAX_PREVIEW_ROWS  100000

/* Codes of the runner's import_error metric (whatif_import.py). */
enum
{
  RUNNER_ERR_TOO_LARGE = 1,
  RUNNER_ERR_PARSE = 2,
  RUNNER_ERR_NOT_TEXT = 3,
  RUNNER_ERR_EXISTS = 4,
};

char *
wf_import_suggest_name (const char *file_path)
{
  g_autofree char *base = NULL;
  g_autofree char *lower = NULL;
  GString *out;
  char *dot;

  g_return_val_if_fail (file_path != NULL, NULL);

  base = g_path_get_basename (file_path);
  dot = strrchr (base, '.');
  if (dot != NULL && dot != base)
    *dot = '\0';
  lower = g_utf8_strdown (base, -1);
  out = g_string_new (NULL);
  for (const char *p = lower; *p; p++)
    {
      char c = *p;

      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
        g_string_append_c (out, c);
      else if (out->len > 0 && out->str[out->len - 1] != '_')
        g_string_append_c (out, '_');
    }
  while (out->len > 0 && out->str[out->len - 1] == '_')
    g_string_truncate (out, out->len - 1);
  if (out->len == 0)
    g_string_assign (out, "data");
  else if (out->str[0] >= '0' && out->str[0] <= '9')
    g_string_prepend (out, "data_");
  if (out->len > MAX_NAME_LEN)
    g_string_truncate (out, MAX_NAME_LEN);
  while (out->len > 0 && out->str[out->len - 1] == '_')
    g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}

gboolean
wf_import_name_is_valid (const char  *name,
                         GError     **error)
{
  gsize len;

  if (name == NULL || *name == '\0')
    goto invalid;
  len = strlen (name);
  if (len > MAX_NAME_LEN || !g_ascii_islower (name[0]))
    goto invalid;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_islower (name[i]) && !g_ascii_isdigit (name[i]) && name[i] != '_')
      goto invalid;
  return TRUE;

invalid:
  g_set_error (error, WF_IMPORT_ERROR, WF_IMPORT_ERROR_INVALID_NAME,
               _("“%s” is not a usable dataset name: use 1 to 64 lower-case letters, digits and "
                 "underscores, starting with a letter"), name ? name : "");
  return FALSE;
}

static gboolean
table_name_is_valid (const char *table)
{
  if (table == NULL || *table == '\0' || strlen (table) > 100 || g_str_has_prefix (table, "_import_"))
    return FALSE;
  for (const char *p = table; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return FALSE;
  return TRUE;
}

/* The sandbox binds the workbook and its journal as files: both must exist. */
static gboolean
ensure_file (const char  *path,
             GError     **error)
{
  int fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, WF_IMPORT_ERROR, WF_IMPORT_ERROR_SANDBOX,
                   _("Could not create %s: %s"), path, g_strerror (saved));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

static const WfMetric *
find_metric (const WfRunResult *result,
             const char        *name)
{
  for (guint i = 0; i < result->metrics->len; i++)
    {
      const WfMetric *m = g_ptr_array_index (result->metrics, i);

      if (g_strcmp0 (m->name, name) == 0)
        return m;
    }
  return NULL;
}

static const WfTable *
find_table (const WfRunResult *result,
            const char        *name)
{
  for (guint i = 0; i < result->tables->len; i++)
    {
      const WfTable *t = g_ptr_array_index (result->tables, i);

      if (g_strcmp0 (t->name, name) == 0)
        return t;
    }
  return NULL;
}

/* [{"name","type"}] from the job's import_columns table (name, type, format). */
static char *
columns_json_from (const WfTable  *table,
                   GError        **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  static const char * const types[] = {
    "integer", "decimal", "currency", "percentage", "date", "datetime", "text", NULL,
  };

  if (table == NULL || table->columns->len < 2 || json_array_get_length (table->rows) == 0)
    goto bad;
  json_builder_begin_array (b);
  for (guint i = 0; i < json_array_get_length (table->rows); i++)
    {
      JsonArray *row = json_array_get_array_element (table->rows, i);
      const char *name, *type;

      if (row == NULL || json_array_get_length (row) < 2 ||
          !JSON_NODE_HOLDS_VALUE (json_array_get_element (row, 0)) ||
          !JSON_NODE_HOLDS_VALUE (json_array_get_element (row, 1)))
        goto bad;
      name = json_array_get_string_element (row, 0);
      type = json_array_get_string_element (row, 1);
      if (name == NULL || type == NULL || !g_strv_contains (types, type))
        goto bad;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, name);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, type);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);

bad:
  g_set_error (error, WF_IMPORT_ERROR, WF_IMPORT_ERROR_SANDBOX,
               _("The import reported no usable column list"));
  return NULL;
}

/* The GError for a failed import job. */
static void
set_job_error (const WfRunResult  *result,
               GError            **error)
{
  const WfMetric *code = find_metric (result, "import_error");
  const char *message = result->error_message;
  int err = WF_IMPORT_ERROR_SANDBOX;

  if (code != NULL && isfinite (code->value))
    {
      switch ((int) code->value)
        {
        case RUNNER_ERR_TOO_LARGE:
          err = WF_IMPORT_ERROR_TOO_LARGE;
          break;
        case RUNNER_ERR_PARSE:
          err = WF_IMPORT_ERROR_PARSE;
          break;
        case RUNNER_ERR_NOT_TEXT:
          err = WF_IMPORT_ERROR_NOT_TEXT;
          break;
        case RUNNER_ERR_EXISTS:
          err = WF_IMPORT_ERROR_EXISTS;
          break;
        default:
          break;
        }
      g_set_error (error, WF_IMPORT_ERROR, err, "%s",
                   message ? message : _("The file could not be imported"));
      return;
    }
  switch (result->status)
    {
    case WF_RUN_STATUS_TIMEOUT:
      g_set_error (error, WF_IMPORT_ERROR, WF_IMPORT_ERROR_TOO_LARGE,
                   _("Importing the file took longer than its time limit"));
      break;
    case WF_RUN_STATUS_KILLED:
      for (guint i = 0; i < result->limits_hit->len; i++)
        if (g_str_equal (g_ptr_array_index (result->limits_hit, i), "memory"))
          {
            g_set_error (error, WF_IMPORT_ERROR, WF_IMPORT_ERROR_TOO_LARGE,
                         _("Importing the file needed more memory than the sandbox allows"));
            return;
          }
      g_set_error (error, WF_IMPORT_ERROR, WF_IMPORT_ERROR_SANDBOX,
                   _("The import was stopped: %s"), message ? message : _("killed"));
      break;
    case WF_RUN_STATUS_OK:
    case WF_RUN_STATUS_ERROR:
    case WF_RUN_STATUS_REFUSED:
    case WF_RUN_STATUS_BLOCKED:
    default:
      g_set_error (error, WF_IMPORT_ERROR, WF_IMPORT_ERROR_SANDBOX,
                   _("The sandbox could not import the file: %s"),
                   message ? message : _("no result"));
      break;
    }
}

typedef struct
{
  WfImportProgressFunc func;
  gpointer             data;
} ProgressRelay;

/* The runner speaks English in a few fixed shapes; the person reads them
 * in their language. Anything else it says is not shown. */
static char *
translate_progress (const char *message)
{
  unsigned long a = 0, b = 0;
  int n = 0;

  if (message == NULL)
    return g_strdup (_("Importing…"));
  if (g_str_equal (message, "Checking the file"))
    return g_strdup (_("Checking the file…"));
  if (sscanf (message, "Read %lu rows, %lu columns%n", &a, &b, &n) == 2 && message[n] == '\0')
    return g_strdup_printf (_("Read %lu rows in %lu columns"), a, b);
  if (sscanf (message, "Read %lu rows%n", &a, &n) == 1 && message[n] == '\0')
    return g_strdup_printf (_("Read %lu rows"), a);
  if (sscanf (message, "Imported %lu of %lu rows%n", &a, &b, &n) == 2 && message[n] == '\0')
    return g_strdup_printf (_("Imported %lu of %lu rows"), a, b);
  if (sscanf (message, "Imported %lu rows%n", &a, &n) == 1 && message[n] == '\0')
    return g_strdup_printf (_("Imported %lu rows"), a);
  return g_strdup (_("Importing…"));
}

static void
relay_progress (const char *message,
                double      fraction,
                gpointer    user_data)
{
  ProgressRelay *relay = user_data;
  g_autofree char *text = NULL;

  if (relay->func == NULL)
    return;
  text = translate_progress (message);
  relay->func (text, isnan (fraction) ? -1 : fraction, relay->data);
}

WfDataset *
wf_import_csv_sync (WfStore               *store,
                    WfSandbox             *sandbox,
                    const char            *file_path,
                    const char            *name,
                    gboolean               replace,
                    WfImportProgressFunc   progress,
                    gpointer               progress_data,
                    GCancellable          *cancellable,
                    GError               **error)
{
  return wf_import_csv_sync_full (store, sandbox, file_path, name, replace, progress, progress_data,
                                  NULL, cancellable, error);
}

WfDataset *
wf_import_csv_sync_full (WfStore               *store,
                         WfSandbox             *sandbox,
                         const char            *file_path,
                         const char            *name,
                         gboolean               replace,
                         WfImportProgressFunc   progress,
                         gpointer               progress_data,
                         WfImportStats         *stats,
                         GCancellable          *cancellable,
                         GError               **error)
{
  g_autoptr(WfDataset) existing = NULL;
  g_autoptr(WfDataset) dataset = NULL;
  g_autoptr(WfJob) job = NULL;
  g_autoptr(WfRunResult) result = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *abs_path = NULL;
  g_autofree char *workbook = NULL;
  g_autofree char *journal = NULL;
  g_autofree char *table = NULL;
  g_autofree char *code = NULL;
  g_autofree char *columns = NULL;
  ProgressRelay relay = { progress, progress_data };
  const WfMetric *rows;
  GStatBuf st, wst;
  gint64 mib;

  g_return_val_if_fail (WF_IS_STORE (store), NULL);
  g_return_val_if_fail (WF_IS_SANDBOX (sandbox), NULL);
  g_return_val_if_fail (file_path != NULL, NULL);

  if (!wf_import_name_is_valid (name, error))
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, &local))
    {
      g_set_error_literal (error, WF_IMPORT_ERROR, WF_IMPORT_ERROR_CANCELLED, local->message);
      return NULL;
    }
  abs_path = g_canonicalize_filename (file_path, NULL);
  if (g_stat (abs_path, &st) != 0 || !S_ISREG (st.st_mode) || g_access (abs_path, R_OK) != 0)
    {
      g_set_error (error, WF_IMPORT_ERROR, WF_IMPORT_ERROR_NOT_FOUND,
                   _("Cannot read the file %s"), file_path);
      return NULL;
    }
  if (st.st_size > MAX_FILE_BYTES)
    {
      g_set_error (error, WF_IMPORT_ERROR, WF_IMPORT_ERROR_TOO_LARGE,
                   _("The file is larger than %d GiB"), (int) (MAX_FILE_BYTES >> 30));
      return NULL;
    }

  existing = wf_store_get_dataset (store, name, &local);
  if (existing == NULL && !g_error_matches (local, WF_STORE_ERROR, WF_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  g_clear_error (&local);
  if (existing != NULL && !replace)
    {
      g_set_error (error, WF_IMPORT_ERROR, WF_IMPORT_ERROR_EXISTS,
                   _("There is already a dataset named “%s”; choose another name or replace it"), name);
      return NULL;
    }

  workbook = wf_store_dup_workbook_path (store);
  journal = g_strconcat (workbook, "-journal", NULL);
  if (!ensure_file (workbook, error) || !ensure_file (journal, error))
    return NULL;

  /* A replaced dataset keeps its table name, so the sandbox swaps the rows
   * under it in one transaction; a new one gets a name of its own that a
   * later rename of the dataset does not need to follow. */
  if (existing != NULL && table_name_is_valid (existing->table_name))
    table = g_strdup (existing->table_name);
  else
    table = g_strdup_printf ("ds_%s_%08x", name, g_random_int ());

  code = g_strdup_printf ("{\"replace\":%s}", existing != NULL ? "true" : "false");
  job = wf_job_new (WF_JOB_IMPORT, "python", code);
  g_free (job->id);
  job->id = g_strdup_printf ("import-%08x", g_random_int ());
  job->workbook_path = g_strdup (workbook);
  job->import_path = g_strdup (abs_path);
  job->import_name = g_strdup (table);
  /* Limits scale with the file: two seconds of wall and CPU time per MiB on
   * top of a minute, memory for pandas' chunks (not the file), and a file
   * size limit that lets the workbook grow by several times the CSV. */
  mib = st.st_size / (1024 * 1024) + 1;
  job->limits.wall_ms = 60000 + mib * 2000;
  job->limits.cpu_ms = 60000 + mib * 2000;
  job->limits.memory_bytes = (gint64) 1536 * 1024 * 1024;
  job->limits.file_size_bytes = (g_stat (workbook, &wst) == 0 ? wst.st_size : 0) +
                                8 * st.st_size + (gint64) 256 * 1024 * 1024;

  result = wf_sandbox_run (sandbox, job, relay_progress, &relay, cancellable, &local);
  if (result == NULL)
    {
      g_set_error (error, WF_IMPORT_ERROR, WF_IMPORT_ERROR_SANDBOX,
                   _("The sandbox could not run the import: %s"), local->message);
      return NULL;
    }
  if (stats != NULL)
    {
      stats->bytes = st.st_size;
      stats->wall_ms = result->wall_ms;
      stats->cpu_ms = result->cpu_ms;
      stats->peak_rss_kb = result->peak_rss_kb;
    }
  rows = find_metric (result, "import_rows");
  if (result->status != WF_RUN_STATUS_OK || rows == NULL || !isfinite (rows->value) || rows->value < 0)
    {
      g_auto(GStrv) tables = NULL;

      if (g_cancellable_is_cancelled (cancellable))
        g_set_error (error, WF_IMPORT_ERROR, WF_IMPORT_ERROR_CANCELLED, _("The import was cancelled"));
      else
        set_job_error (result, error);
      /* A job killed mid-transaction leaves a hot journal: opening the
       * workbook read-write rolls it back now rather than at the next use. */
      tables = wf_store_list_workbook_tables (store, NULL);
      return NULL;
    }
  columns = columns_json_from (find_table (result, "import_columns"), error);
  if (columns == NULL)
    {
      if (existing == NULL)
        wf_store_drop_workbook_table (store, table, NULL);
      return NULL;
    }

  dataset = wf_dataset_new (name);
  dataset->file_name = g_path_get_basename (file_path);
  dataset->table_name = g_strdup (table);
  dataset->n_rows = (gint64) rows->value;
  dataset->columns_json = g_steal_pointer (&columns);
  dataset->imported_us = g_get_real_time ();
  if (existing != NULL)
    {
      if (!wf_store_update_dataset (store, dataset, error))
        return NULL;
      if (g_strcmp0 (existing->table_name, table) != 0 && existing->table_name != NULL)
        wf_store_drop_workbook_table (store, existing->table_name, NULL);
      dataset->id = existing->id;
    }
  else if (!wf_store_add_dataset (store, dataset, &local))
    {
      wf_store_drop_workbook_table (store, table, NULL);
      if (g_error_matches (local, WF_STORE_ERROR, WF_STORE_ERROR_CONSTRAINT))
        g_set_error_literal (error, WF_IMPORT_ERROR, WF_IMPORT_ERROR_EXISTS, local->message);
      else
        g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  return g_steal_pointer (&dataset);
}

/* Async */

typedef struct
{
  char                 *db_path;
  WfSandbox            *sandbox;
  char                 *file_path;
  char                 *name;
  gboolean              replace;
  WfImportProgressFunc  progress;
  gpointer              progress_data;
  GDestroyNotify        progress_data_free;
  GMainContext         *context;
} AsyncData;

static void
async_data_free (AsyncData *d)
{
  g_free (d->db_path);
  g_clear_object (&d->sandbox);
  g_free (d->file_path);
  g_free (d->name);
  if (d->progress_data_free != NULL)
    d->progress_data_free (d->progress_data);
  g_main_context_unref (d->context);
  g_free (d);
}

typedef struct
{
  AsyncData *owner;
  char      *message;
  double     fraction;
  GTask     *task;     /* keeps owner alive until delivered */
} ProgressEvent;

static gboolean
deliver_progress (gpointer user_data)
{
  ProgressEvent *ev = user_data;

  ev->owner->progress (ev->message, ev->fraction, ev->owner->progress_data);
  return G_SOURCE_REMOVE;
}

static void
progress_event_free (gpointer user_data)
{
  ProgressEvent *ev = user_data;

  g_free (ev->message);
  g_object_unref (ev->task);
  g_free (ev);
}

typedef struct
{
  AsyncData *data;
  GTask     *task;
} WorkerProgress;

static void
worker_progress (const char *message,
                 double      fraction,
                 gpointer    user_data)
{
  WorkerProgress *wp = user_data;
  ProgressEvent *ev;

  if (wp->data->progress == NULL)
    return;
  ev = g_new0 (ProgressEvent, 1);
  ev->owner = wp->data;
  ev->message = g_strdup (message);
  ev->fraction = fraction;
  ev->task = g_object_ref (wp->task);
  g_main_context_invoke_full (wp->data->context, G_PRIORITY_DEFAULT, deliver_progress, ev,
                              progress_event_free);
}

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  AsyncData *d = task_data;
  WorkerProgress wp = { d, task };
  g_autoptr(WfStore) store = NULL;
  g_autoptr(GError) error = NULL;
  WfDataset *dataset;

  store = wf_store_open (d->db_path, &error);
  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  dataset = wf_import_csv_sync (store, d->sandbox, d->file_path, d->name, d->replace,
                                worker_progress, &wp, cancellable, &error);
  if (dataset == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, dataset, (GDestroyNotify) wf_dataset_free);
}

void
wf_import_csv_async (const char            *db_path,
                     WfSandbox             *sandbox,
                     const char            *file_path,
                     const char            *name,
                     gboolean               replace,
                     WfImportProgressFunc   progress,
                     gpointer               progress_data,
                     GDestroyNotify         progress_data_free,
                     GCancellable          *cancellable,
                     GAsyncReadyCallback    callback,
                     gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  AsyncData *d;

  g_return_if_fail (db_path != NULL);
  g_return_if_fail (WF_IS_SANDBOX (sandbox));
  g_return_if_fail (file_path != NULL);

  d = g_new0 (AsyncData, 1);
  d->db_path = g_strdup (db_path);
  d->sandbox = g_object_ref (sandbox);
  d->file_path = g_strdup (file_path);
  d->name = g_strdup (name);
  d->replace = replace;
  d->progress = progress;
  d->progress_data = progress_data;
  d->progress_data_free = progress_data_free;
  d->context = g_main_context_ref_thread_default ();

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, wf_import_csv_async);
  g_task_set_task_data (task, d, (GDestroyNotify) async_data_free);
  g_task_run_in_thread (task, import_thread);
}

WfDataset *
wf_import_csv_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Preview */

WfTable *
wf_import_preview (WfStore       *store,
                   WfSandbox     *sandbox,
                   const char    *name,
                   guint          max_rows,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(WfDataset) dataset = NULL;
  g_autoptr(WfJob) job = NULL;
  g_autoptr(WfRunResult) result = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *code = NULL;
  g_autofree char *workbook = NULL;
  WfTable *table;

  g_return_val_if_fail (WF_IS_STORE (store), NULL);
  g_return_val_if_fail (WF_IS_SANDBOX (sandbox), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  dataset = wf_store_get_dataset (store, name, &local);
  if (dataset == NULL)
    {
      g_set_error_literal (error, WF_IMPORT_ERROR, WF_IMPORT_ERROR_NOT_FOUND, local->message);
      return NULL;
    }
  workbook = wf_store_dup_workbook_path (store);
  if (!g_file_test (workbook, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, WF_IMPORT_ERROR, WF_IMPORT_ERROR_NOT_FOUND,
                   _("The workbook with the imported datasets is missing"));
      return NULL;
    }
  max_rows = CLAMP (max_rows, 1, MAX_PREVIEW_ROWS);
  /* The name has passed wf_import_name_is_valid () when it was stored, but
   * the store is outside input too: the code takes it as an index instead. */
  code = g_strdup_printf ("import whatif as wf\n"
                          "_d = wf._state['datasets'][0]['name']\n"
                          "wf.table(_d, wf.load(_d).head(%u))\n", max_rows);
  job = wf_job_new (WF_JOB_RUN, "python", code);
  g_free (job->id);
  job->id = g_strdup_printf ("preview-%08x", g_random_int ());
  job->workbook_path = g_strdup (workbook);
  job->datasets = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_dataset_free);
  g_ptr_array_add (job->datasets, g_steal_pointer (&dataset));
  job->limits.table_rows = max_rows;
  job->policy = FALSE;      /* our own code, not a model's (still fully sandboxed) */
  job->limits.output_bytes = 1024 * 1024;

  result = wf_sandbox_run (sandbox, job, NULL, NULL, cancellable, &local);
  if (result == NULL)
    {
      g_set_error (error, WF_IMPORT_ERROR, WF_IMPORT_ERROR_SANDBOX,
                   _("The sandbox could not read the dataset: %s"), local->message);
      return NULL;
    }
  if (result->status != WF_RUN_STATUS_OK || result->tables->len == 0)
    {
      g_set_error (error, WF_IMPORT_ERROR, WF_IMPORT_ERROR_SANDBOX,
                   _("The sandbox could not read the dataset: %s"),
                   result->error_message ? result->error_message : _("no table"));
      return NULL;
    }
  table = g_ptr_array_steal_index (result->tables, 0);
  g_free (table->name);
  table->name = g_strdup (name);
  return table;
}

gboolean
wf_import_delete_dataset (WfStore     *store,
                          const char  *name,
                          GError     **error)
{
  g_autoptr(WfDataset) dataset = NULL;
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (WF_IS_STORE (store), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  dataset = wf_store_get_dataset (store, name, &local);
  if (dataset == NULL)
    {
      if (g_error_matches (local, WF_STORE_ERROR, WF_STORE_ERROR_NOT_FOUND))
        g_set_error_literal (error, WF_IMPORT_ERROR, WF_IMPORT_ERROR_NOT_FOUND, local->message);
      else
        g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  /* The record first: a table without a record is invisible and harmless,
   * a record without its table is a dataset that cannot load. */
  if (!wf_store_delete_dataset (store, name, error))
    return FALSE;
  if (dataset->table_name != NULL && table_name_is_valid (dataset->table_name) &&
      !wf_store_drop_workbook_table (store, dataset->table_name, &local))
    g_warning ("Dataset %s deleted, but its table stays in the workbook: %s", name, local->message);
  return TRUE;
}
