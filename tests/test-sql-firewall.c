/* test-sql-firewall.c: SQL verdicts from SQLite's own parser
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Cases live in tests/data/firewall/sql/cases.json: {sql, expect, rule, line,
 * column}; an empty rule means "blocked, for whichever reason SQLite gives".
 * Each case runs against a checker built from the schema SQL and against one
 * opened on a real workbook file made from the same schema.
 */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "wf-sql-firewall.h"

typedef struct
{
  WfSqlFirewall *from_schema;
  WfSqlFirewall *from_db;
  char          *db_path;
} Fixture;

static char *
load_schema (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "firewall", "sql", "schema.sql", NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);

  return text;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *schema = load_schema ();
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  f->from_schema = wf_sql_firewall_new_for_schema (schema, &error);
  g_assert_no_error (error);

  f->db_path = g_build_filename (g_get_user_data_dir (), "workbook.db", NULL);
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  g_assert_cmpint (sqlite3_open (f->db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, schema, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  f->from_db = wf_sql_firewall_new_for_db (f->db_path, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->from_schema, wf_sql_firewall_free);
  g_clear_pointer (&f->from_db, wf_sql_firewall_free);
  g_free (f->db_path);
}

static void
check_case (WfSqlFirewall *fw,
            JsonObject    *c)
{
  const char *sql = json_object_get_string_member (c, "sql");
  const char *expect = json_object_get_string_member (c, "expect");
  g_autoptr(WfVerdict) verdict = wf_sql_firewall_check (fw, sql);
  g_autofree char *json = wf_verdict_to_json (verdict);

  g_test_message ("%s -> %s", sql, json);
  g_assert_cmpstr (verdict->language, ==, "sql");
  if (strcmp (expect, "allow") == 0)
    {
      g_assert_true (wf_verdict_is_allowed (verdict));
      return;
    }

  g_assert_false (wf_verdict_is_allowed (verdict));
  for (guint i = 0; i < verdict->rules->len; i++)
    {
      const WfRule *r = g_ptr_array_index (verdict->rules, i);

      g_assert_true (g_str_has_prefix (r->rule, "sql-"));
      g_assert_cmpuint (strlen (r->message), >, 10);
    }
  if (*json_object_get_string_member_with_default (c, "rule", ""))
    {
      const char *rule = json_object_get_string_member (c, "rule");
      const WfRule *first = NULL;

      for (guint i = 0; i < verdict->rules->len && first == NULL; i++)
        if (strcmp (((WfRule *) g_ptr_array_index (verdict->rules, i))->rule, rule) == 0)
          first = g_ptr_array_index (verdict->rules, i);
      if (first == NULL)
        g_error ("expected %s for %s, got %s", rule, sql, json);
      if (json_object_has_member (c, "line"))
        g_assert_cmpint (first->line, ==, json_object_get_int_member (c, "line"));
      if (json_object_has_member (c, "column"))
        g_assert_cmpint (first->column, ==, json_object_get_int_member (c, "column"));
    }
}

static void
test_corpus (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "firewall", "sql", "cases.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *cases;
  guint n_allow = 0;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  cases = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (cases), >=, 40);

  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *c = json_array_get_object_element (cases, i);

      if (strcmp (json_object_get_string_member (c, "expect"), "allow") == 0)
        n_allow++;
      check_case (f->from_schema, c);
      check_case (f->from_db, c);
    }
  g_test_message ("SQL corpus: %u cases, %u allowed", json_array_get_length (cases), n_allow);
}

/* A refused query leaves the checker usable and the workbook unchanged. */
static void
test_no_side_effects (Fixture       *f,
                      gconstpointer  data)
{
  const char *attempts[] = {
    "DELETE FROM expenses", "DROP TABLE accounts", "SELECT 1; DELETE FROM expenses",
    "CREATE TABLE x (y)", "PRAGMA journal_mode = OFF",
  };
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (attempts); i++)
    {
      g_autoptr(WfVerdict) v = wf_sql_firewall_check (f->from_db, attempts[i]);
      g_autoptr(WfVerdict) ok = wf_sql_firewall_check (f->from_db, "SELECT count(*) FROM expenses");

      g_assert_false (wf_verdict_is_allowed (v));
      g_assert_true (wf_verdict_is_allowed (ok));
    }

  g_assert_cmpint (sqlite3_open (f->db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT (SELECT count(*) FROM expenses), (SELECT count(*) FROM sqlite_schema)",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
  /* expenses, sqlite_sequence, accounts, monthly, expenses_by_date */
  g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, 5);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static void
test_hostile_text (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(WfVerdict) bad_utf8 = wf_sql_firewall_check (f->from_schema, "SELECT '\xff\xfe'");
  g_autoptr(WfVerdict) big = NULL;
  g_autoptr(WfVerdict) deep = NULL;
  g_autoptr(WfVerdict) unicode = NULL;
  GString *s = g_string_new ("SELECT ");
  const WfRule *r;

  g_assert_true (wf_verdict_has_rule (bad_utf8, "sql-encoding"));

  while (s->len <= WF_SQL_FIREWALL_MAX_BYTES)
    g_string_append (s, "1 + ");
  g_string_append (s, "1");
  big = wf_sql_firewall_check (f->from_schema, s->str);
  g_assert_true (wf_verdict_has_rule (big, "sql-too-large"));

  /* Deep nesting: SQLite's own parser limit answers, not a crash. */
  g_string_assign (s, "SELECT ");
  for (guint i = 0; i < 5000; i++)
    g_string_append_c (s, '(');
  g_string_append_c (s, '1');
  for (guint i = 0; i < 5000; i++)
    g_string_append_c (s, ')');
  deep = wf_sql_firewall_check (f->from_schema, s->str);
  g_assert_false (wf_verdict_is_allowed (deep));
  g_string_free (s, TRUE);

  /* Columns count characters, not bytes. */
  unicode = wf_sql_firewall_check (f->from_schema, "SELECT 'é€', nope FROM expenses");
  g_assert_false (wf_verdict_is_allowed (unicode));
  r = g_ptr_array_index (unicode->rules, 0);
  g_assert_cmpstr (r->rule, ==, "sql-syntax");
  g_assert_cmpint (r->line, ==, 1);
  g_assert_cmpint (r->column, ==, 14);
}

static void
test_open_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *not_db = g_build_filename (g_get_user_data_dir (), "not-a-db.txt", NULL);
  WfSqlFirewall *fw;

  fw = wf_sql_firewall_new_for_db ("/nonexistent/dir/workbook.db", &error);
  g_assert_null (fw);
  g_assert_error (error, WF_SQL_FIREWALL_ERROR, WF_SQL_FIREWALL_ERROR_OPEN);
  g_clear_error (&error);

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  g_assert_true (g_file_set_contents (not_db, "this is not an SQLite database, just text that is long enough", -1, NULL));
  fw = wf_sql_firewall_new_for_db (not_db, &error);
  g_assert_null (fw);
  g_assert_error (error, WF_SQL_FIREWALL_ERROR, WF_SQL_FIREWALL_ERROR_OPEN);
  g_clear_error (&error);

  fw = wf_sql_firewall_new_for_schema ("CREATE TABLE (", &error);
  g_assert_null (fw);
  g_assert_error (error, WF_SQL_FIREWALL_ERROR, WF_SQL_FIREWALL_ERROR_SCHEMA);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/sql-firewall/corpus", Fixture, NULL, fixture_setup, test_corpus, fixture_teardown);
  g_test_add ("/sql-firewall/no-side-effects", Fixture, NULL, fixture_setup, test_no_side_effects, fixture_teardown);
  g_test_add ("/sql-firewall/hostile-text", Fixture, NULL, fixture_setup, test_hostile_text, fixture_teardown);
  g_test_add_func ("/sql-firewall/open-errors", test_open_errors);

  return g_test_run ();
}
