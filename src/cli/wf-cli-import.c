/* wf-cli-import.c: `whatif-cli import` and `whatif-cli datasets`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "wf-cli-commands.h"
#include "wf-import.h"
#include "wf-sandbox.h"

#define SHOW_DEFAULT_ROWS 10
#define SHOW_MAX_ROWS     1000
#define CELL_MAX_CHARS    40

static void
add_dataset_json (JsonBuilder     *b,
                  const WfDataset *d)
{
  JsonNode *columns = d->columns_json ? json_from_string (d->columns_json, NULL) : NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, d->name);
  json_builder_set_member_name (b, "file_name");
  if (d->file_name)
    json_builder_add_string_value (b, d->file_name);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "rows");
  json_builder_add_int_value (b, d->n_rows);
  json_builder_set_member_name (b, "columns");
  if (columns != NULL && JSON_NODE_HOLDS_ARRAY (columns))
    json_builder_add_value (b, columns);
  else
    {
      if (columns != NULL)
        json_node_unref (columns);
      json_builder_begin_array (b);
      json_builder_end_array (b);
    }
  json_builder_set_member_name (b, "imported_us");
  json_builder_add_int_value (b, d->imported_us);
  json_builder_end_object (b);
}

/* "amount (currency), when (date)" for a terminal. */
static char *
columns_summary (const WfDataset *d)
{
  g_autoptr(JsonNode) node = d->columns_json ? json_from_string (d->columns_json, NULL) : NULL;
  GString *out = g_string_new (NULL);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return g_string_free (out, FALSE);
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);

      if (o == NULL)
        continue;
      g_string_append_printf (out, "%s%s (%s)", out->len ? ", " : "",
                              json_object_get_string_member_with_default (o, "name", "?"),
                              json_object_get_string_member_with_default (o, "type", "?"));
    }
  return g_string_free (out, FALSE);
}

typedef struct
{
  gboolean tty;
  int      last_percent;
} Progress;

static void
on_progress (const char *message,
             double      fraction,
             gpointer    user_data)
{
  Progress *p = user_data;
  int percent = fraction >= 0 ? (int) (fraction * 100) : -1;

  if (!p->tty || percent == p->last_percent)
    return;
  p->last_percent = percent;
  if (percent >= 0)
    fprintf (stderr, "\r\033[K%3d%%  %s", percent, message);
  else
    fprintf (stderr, "\r\033[K%s", message);
  fflush (stderr);
}

static int
import_exit_code (const GError *error)
{
  if (error->domain == WF_IMPORT_ERROR &&
      (error->code == WF_IMPORT_ERROR_INVALID_NAME))
    return WF_CLI_EXIT_USAGE;
  return WF_CLI_EXIT_FAILED;
}

int
wf_cli_import (int    argc,
               char **argv)
{
  WfCliCommon common = { 0 };
  g_autofree char *name = NULL;
  gboolean replace = FALSE;
  const GOptionEntry entries[] = {
    { "as", 0, 0, G_OPTION_ARG_STRING, &name, N_("The dataset’s name (default: from the file name)"), N_("NAME") },
    { "replace", 0, 0, G_OPTION_ARG_NONE, &replace, N_("Replace a dataset of that name"), NULL },
    { NULL }
  };
  g_autoptr(WfStore) store = NULL;
  g_autoptr(WfSandbox) sandbox = NULL;
  g_autoptr(WfDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  Progress progress = { FALSE, -2 };
  int ret;

  if (!wf_cli_parse (&argc, &argv, "import", _("FILE.csv"),
                     _("Import a CSV file as a dataset that models can load with wf.load()."),
                     entries, &common))
    return WF_CLI_EXIT_USAGE;
  if (argc != 2)
    {
      ret = wf_cli_fail (&common, "import", WF_CLI_EXIT_USAGE,
                         argc < 2 ? _("a CSV file is needed%s") : _("unexpected argument “%s”"),
                         argc < 2 ? "" : argv[2]);
      wf_cli_common_clear (&common);
      return ret;
    }
  if (name == NULL)
    name = wf_import_suggest_name (argv[1]);
  if (!wf_import_name_is_valid (name, &error))
    {
      ret = wf_cli_fail (&common, "import", WF_CLI_EXIT_USAGE, "%s", error->message);
      wf_cli_common_clear (&common);
      return ret;
    }

  store = wf_cli_open_store (&common);
  if (store == NULL)
    {
      wf_cli_common_clear (&common);
      return WF_CLI_EXIT_FAILED;
    }
  sandbox = wf_sandbox_get_default (NULL, &error);
  if (sandbox == NULL)
    {
      ret = wf_cli_fail (&common, "import", WF_CLI_EXIT_FAILED, "%s", error->message);
      wf_cli_common_clear (&common);
      return ret;
    }

  progress.tty = !common.json && isatty (STDERR_FILENO);
  dataset = wf_import_csv_sync (store, sandbox, argv[1], name, replace,
                                on_progress, &progress, NULL, &error);
  if (progress.tty && progress.last_percent != -2)
    fprintf (stderr, "\r\033[K");
  if (dataset == NULL)
    {
      ret = wf_cli_fail (&common, "import", import_exit_code (error), "%s", error->message);
      wf_cli_common_clear (&common);
      return ret;
    }

  if (common.json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      add_dataset_json (b, dataset);
      wf_cli_print_builder (b);
    }
  else
    {
      g_autofree char *cols = columns_summary (dataset);

      g_print (g_dngettext (NULL, "Imported %s: %" PRId64 " row\n",
                            "Imported %s: %" PRId64 " rows\n", (gulong) dataset->n_rows),
               dataset->name, (int64_t) dataset->n_rows);
      g_print (_("Columns: %s\n"), cols);
    }
  wf_cli_common_clear (&common);
  return WF_CLI_EXIT_OK;
}

static char *
cell_text (JsonNode *node)
{
  g_autofree char *text = NULL;
  char *p;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("");
  if (JSON_NODE_HOLDS_VALUE (node))
    switch (json_node_get_value_type (node))
      {
      case G_TYPE_STRING:
        text = g_strdup (json_node_get_string (node));
        break;
      case G_TYPE_INT64:
        text = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
        break;
      case G_TYPE_DOUBLE:
        {
          char buf[G_ASCII_DTOSTR_BUF_SIZE];

          text = g_strdup (g_ascii_formatd (buf, sizeof buf, "%.10g", json_node_get_double (node)));
        }
        break;
      case G_TYPE_BOOLEAN:
        text = g_strdup (json_node_get_boolean (node) ? "true" : "false");
        break;
      default:
        text = g_strdup ("?");
        break;
      }
  else
    text = g_strdup ("?");
  /* Imported cells are untrusted: no control characters on the terminal. */
  for (p = text; *p; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = ' ';
  if (g_utf8_validate (text, -1, NULL) && g_utf8_strlen (text, -1) > CELL_MAX_CHARS)
    {
      g_autofree char *cut = g_utf8_substring (text, 0, CELL_MAX_CHARS - 1);
      return g_strconcat (cut, "…", NULL);
    }
  return g_utf8_make_valid (text, -1);
}

static void
print_table (const WfTable *table)
{
  for (guint c = 0; c < table->columns->len; c++)
    {
      g_autoptr(JsonNode) n = json_node_init_string (json_node_alloc (), g_ptr_array_index (table->columns, c));
      g_autofree char *t = cell_text (n);

      g_print ("%s%s", c ? "\t" : "", t);
    }
  g_print ("\n");
  for (guint r = 0; r < json_array_get_length (table->rows); r++)
    {
      JsonArray *row = json_array_get_array_element (table->rows, r);

      for (guint c = 0; row != NULL && c < json_array_get_length (row); c++)
        {
          g_autofree char *t = cell_text (json_array_get_element (row, c));

          g_print ("%s%s", c ? "\t" : "", t);
        }
      g_print ("\n");
    }
}

static int
datasets_list (WfCliCommon *common,
               WfStore     *store)
{
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;

  list = wf_store_list_datasets (store, &error);
  if (list == NULL)
    return wf_cli_fail (common, "datasets", WF_CLI_EXIT_FAILED, "%s", error->message);
  if (common->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_array (b);
      for (guint i = 0; i < list->len; i++)
        add_dataset_json (b, g_ptr_array_index (list, i));
      json_builder_end_array (b);
      wf_cli_print_builder (b);
      return WF_CLI_EXIT_OK;
    }
  if (list->len == 0)
    g_print ("%s\n", _("No datasets yet. Import one with: whatif-cli import FILE.csv --as NAME"));
  for (guint i = 0; i < list->len; i++)
    {
      WfDataset *d = g_ptr_array_index (list, i);
      g_autofree char *when = wf_cli_format_time (d->imported_us);
      g_autofree char *cols = columns_summary (d);

      g_print ("%-20s %10" G_GINT64_FORMAT "  %s  %s\n    %s\n", d->name, d->n_rows, when,
               d->file_name ? d->file_name : "", cols);
    }
  return WF_CLI_EXIT_OK;
}

static int
datasets_show (WfCliCommon *common,
               WfStore     *store,
               const char  *name,
               int          rows)
{
  g_autoptr(WfDataset) dataset = NULL;
  g_autoptr(WfSandbox) sandbox = NULL;
  g_autoptr(WfTable) table = NULL;
  g_autoptr(GError) error = NULL;

  dataset = wf_store_get_dataset (store, name, &error);
  if (dataset == NULL)
    return wf_cli_fail (common, "datasets", WF_CLI_EXIT_FAILED, "%s", error->message);
  sandbox = wf_sandbox_get_default (NULL, &error);
  if (sandbox == NULL)
    return wf_cli_fail (common, "datasets", WF_CLI_EXIT_FAILED, "%s", error->message);
  table = wf_import_preview (store, sandbox, name, (guint) rows, NULL, &error);
  if (table == NULL)
    return wf_cli_fail (common, "datasets", WF_CLI_EXIT_FAILED, "%s", error->message);
  if (common->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "dataset");
      add_dataset_json (b, dataset);
      json_builder_set_member_name (b, "preview");
      wf_table_to_json (table, b);
      json_builder_end_object (b);
      wf_cli_print_builder (b);
      return WF_CLI_EXIT_OK;
    }
  {
    g_autofree char *when = wf_cli_format_time (dataset->imported_us);
    g_autofree char *cols = columns_summary (dataset);

    g_print (_("Dataset %s: %" PRId64 " rows from %s, imported %s\n"), dataset->name,
             (int64_t) dataset->n_rows, dataset->file_name ? dataset->file_name : "?", when);
    g_print (_("Columns: %s\n\n"), cols);
  }
  print_table (table);
  return WF_CLI_EXIT_OK;
}

static int
print_ok (WfCliCommon *common,
          const char  *text)
{
  if (common->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "ok");
      json_builder_add_boolean_value (b, TRUE);
      json_builder_end_object (b);
      wf_cli_print_builder (b);
    }
  else
    g_print ("%s\n", text);
  return WF_CLI_EXIT_OK;
}

int
wf_cli_datasets (int    argc,
                 char **argv)
{
  WfCliCommon common = { 0 };
  int rows = SHOW_DEFAULT_ROWS;
  const GOptionEntry entries[] = {
    { "rows", 'n', 0, G_OPTION_ARG_INT, &rows, N_("Rows to show (default 10)"), N_("N") },
    { NULL }
  };
  g_autoptr(WfStore) store = NULL;
  g_autoptr(GError) error = NULL;
  const char *action;
  int ret;

  if (!wf_cli_parse (&argc, &argv, "datasets", _("[list | show NAME | rename OLD NEW | delete NAME]"),
                     _("List, preview, rename or delete imported datasets."), entries, &common))
    return WF_CLI_EXIT_USAGE;
  action = argc > 1 ? argv[1] : "list";
  if ((g_str_equal (action, "list") && argc > 2) ||
      ((g_str_equal (action, "show") || g_str_equal (action, "delete")) && argc != 3) ||
      (g_str_equal (action, "rename") && argc != 4) ||
      !(g_str_equal (action, "list") || g_str_equal (action, "show") ||
        g_str_equal (action, "delete") || g_str_equal (action, "rename")) ||
      rows < 1 || rows > SHOW_MAX_ROWS)
    {
      ret = wf_cli_fail (&common, "datasets", WF_CLI_EXIT_USAGE, "%s",
                         rows < 1 || rows > SHOW_MAX_ROWS
                         ? _("--rows must be 1 to 1000")
                         : _("usage: datasets [list | show NAME | rename OLD NEW | delete NAME]"));
      wf_cli_common_clear (&common);
      return ret;
    }

  store = wf_cli_open_store (&common);
  if (store == NULL)
    {
      wf_cli_common_clear (&common);
      return WF_CLI_EXIT_FAILED;
    }

  if (g_str_equal (action, "list"))
    ret = datasets_list (&common, store);
  else if (g_str_equal (action, "show"))
    ret = datasets_show (&common, store, argv[2], rows);
  else if (g_str_equal (action, "rename"))
    {
      if (!wf_import_name_is_valid (argv[3], &error))
        ret = wf_cli_fail (&common, "datasets", WF_CLI_EXIT_USAGE, "%s", error->message);
      else if (!wf_store_rename_dataset (store, argv[2], argv[3], &error))
        ret = wf_cli_fail (&common, "datasets", WF_CLI_EXIT_FAILED, "%s", error->message);
      else
        {
          g_autofree char *text = g_strdup_printf (_("Renamed %s to %s"), argv[2], argv[3]);
          ret = print_ok (&common, text);
        }
    }
  else
    {
      if (!wf_import_delete_dataset (store, argv[2], &error))
        ret = wf_cli_fail (&common, "datasets", WF_CLI_EXIT_FAILED, "%s", error->message);
      else
        {
          g_autofree char *text = g_strdup_printf (_("Deleted %s"), argv[2]);
          ret = print_ok (&common, text);
        }
    }
  wf_cli_common_clear (&common);
  return ret;
}
