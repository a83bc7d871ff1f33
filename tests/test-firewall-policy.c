/* test-firewall-policy.c: the Python policy over the corpus, and verdict JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every case in tests/data/firewall/python is checked with the real Python
 * (WHATIF_SANDBOX_PYTHON, started -I -S) and the real whatif_policy.py. This
 * only parses: whatif_policy.check() never executes the code it is given.
 *
 * A case's first line says what must happen:
 *   # firewall: allow
 *   # firewall: block RULE…            (each RULE must be among the rules hit)
 *   # firewall: runtime EVENT          (the audit hook must stop it at run
 *   # static: allow|block               time; the static verdict is checked here,
 *                                       the run in test-firewall.c)
 */
#include "config.h"

#include <string.h>

#include "wf-firewall.h"

static const char *
get_python (void)
{
  const char *python = g_getenv ("WHATIF_SANDBOX_PYTHON");

  return python && *python ? python : WF_SANDBOX_PYTHON;
}

static const char *
get_runner_dir (void)
{
  return wf_sandbox_get_runner_dir ();
}

static char *
corpus_dir (void)
{
  return g_test_build_filename (G_TEST_DIST, "data", "firewall", "python", NULL);
}

static WfVerdict *
check_source (const char *source)
{
  g_autoptr(GError) error = NULL;
  WfVerdict *verdict;

  verdict = wf_firewall_check_python_local (get_python (), get_runner_dir (), source, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (verdict);
  g_assert_cmpstr (verdict->language, ==, "python");

  return verdict;
}

static void
assert_rules_well_formed (const WfVerdict *verdict,
                          const char      *source)
{
  guint n_lines = 0;

  for (const char *p = source; *p; p++)
    if (*p == '\n')
      n_lines++;

  for (guint i = 0; i < verdict->rules->len; i++)
    {
      const WfRule *r = g_ptr_array_index (verdict->rules, i);

      g_assert_nonnull (r->rule);
      g_assert_cmpuint (strlen (r->message), >, 10);
      /* A message never leaks the template syntax. */
      g_assert_null (strstr (r->message, "{detail}"));
      g_assert_cmpint (r->line, >=, 0);
      g_assert_cmpint (r->line, <=, (int) n_lines + 1);
      if (strcmp (r->rule, "too-large") != 0)
        {
          g_assert_cmpint (r->line, >=, 1);
          g_assert_cmpint (r->column, >=, 1);
        }
    }
}

static void
test_corpus_case (gconstpointer data)
{
  const char *path = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *source = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) header = NULL;
  g_autoptr(WfVerdict) verdict = NULL;
  g_autofree char *json = NULL;

  g_file_get_contents (path, &source, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (source, "\n", 3);
  g_assert_true (g_str_has_prefix (lines[0], "# firewall: "));
  header = g_strsplit (lines[0] + strlen ("# firewall: "), " ", -1);

  verdict = check_source (source);
  json = wf_verdict_to_json (verdict);
  g_test_message ("%s: %s", path, json);
  assert_rules_well_formed (verdict, source);

  if (strcmp (header[0], "allow") == 0)
    {
      g_assert_true (wf_verdict_is_allowed (verdict));
    }
  else if (strcmp (header[0], "block") == 0)
    {
      g_assert_false (wf_verdict_is_allowed (verdict));
      g_assert_nonnull (header[1]);
      for (guint i = 1; header[i] != NULL; i++)
        if (*header[i] != '\0' && !wf_verdict_has_rule (verdict, header[i]))
          g_error ("%s: expected rule %s in %s", path, header[i], json);
    }
  else if (strcmp (header[0], "runtime") == 0)
    {
      g_assert_nonnull (lines[1]);
      g_assert_true (g_str_has_prefix (lines[1], "# static: "));
      if (g_str_has_prefix (lines[1] + strlen ("# static: "), "allow"))
        g_assert_true (wf_verdict_is_allowed (verdict));
      else
        g_assert_false (wf_verdict_is_allowed (verdict));
    }
  else
    g_error ("%s: unknown expectation %s", path, header[0]);
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static GPtrArray *
list_corpus (void)
{
  g_autofree char *dir_path = corpus_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, &error);
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".py"))
      g_ptr_array_add (files, g_build_filename (dir_path, name, NULL));
  g_ptr_array_sort (files, compare_paths);

  return files;
}

/* The floor: at least 80 cases, at least 30 honest programs. */
static void
test_corpus_size (void)
{
  g_autoptr(GPtrArray) files = list_corpus ();
  guint n_allow = 0, n_block = 0, n_runtime = 0;

  for (guint i = 0; i < files->len; i++)
    {
      g_autofree char *source = NULL;

      g_assert_true (g_file_get_contents (g_ptr_array_index (files, i), &source, NULL, NULL));
      if (g_str_has_prefix (source, "# firewall: allow"))
        n_allow++;
      else if (g_str_has_prefix (source, "# firewall: block"))
        n_block++;
      else if (g_str_has_prefix (source, "# firewall: runtime"))
        n_runtime++;
    }
  g_test_message ("corpus: %u allowed, %u blocked, %u run-time", n_allow, n_block, n_runtime);
  g_assert_cmpuint (n_allow + n_block + n_runtime, >=, 80);
  g_assert_cmpuint (n_allow, >=, 30);
  g_assert_cmpuint (n_runtime, >=, 5);
}

/* Positions: 1-based lines, columns in characters, pointing at the name. */
static void
test_positions (void)
{
  g_autoptr(WfVerdict) a = check_source ("x = 1\nprint(eval('2'))\n");
  g_autoptr(WfVerdict) b = check_source ("s = 'é€'; y = ().__class__\n");
  g_autoptr(WfVerdict) c = check_source ("def f(:\n  pass\n");
  const WfRule *r;

  g_assert_cmpuint (a->rules->len, ==, 1);
  r = g_ptr_array_index (a->rules, 0);
  g_assert_cmpstr (r->rule, ==, "blocked-name");
  g_assert_cmpint (r->line, ==, 2);
  g_assert_cmpint (r->column, ==, 7);
  g_assert_nonnull (strstr (r->message, "eval"));

  r = g_ptr_array_index (b->rules, 0);
  g_assert_cmpstr (r->rule, ==, "dunder-attribute");
  g_assert_cmpint (r->line, ==, 1);
  /* "s = 'é€'; y = ()." is 17 characters (but 20 bytes). */
  g_assert_cmpint (r->column, ==, 18);

  r = g_ptr_array_index (c->rules, 0);
  g_assert_cmpstr (r->rule, ==, "syntax-error");
  g_assert_cmpint (r->line, ==, 1);
}

/* Hostile inputs to the checker itself: it must answer, not crash. */
static void
test_hostile_inputs (void)
{
  g_autoptr(WfVerdict) deep = NULL;
  g_autoptr(WfVerdict) big = NULL;
  g_autoptr(WfVerdict) empty = NULL;
  g_autoptr(WfVerdict) bidi = NULL;
  GString *s = g_string_new ("x = ");

  for (guint i = 0; i < 5000; i++)
    g_string_append_c (s, '(');
  g_string_append_c (s, '1');
  for (guint i = 0; i < 5000; i++)
    g_string_append_c (s, ')');
  deep = check_source (s->str);
  g_assert_false (wf_verdict_is_allowed (deep));
  g_assert_true (wf_verdict_has_rule (deep, "syntax-error"));

  g_string_truncate (s, 0);
  while (s->len < 300 * 1024)
    g_string_append (s, "total = total + 1  # padding to make the program large\n");
  big = check_source (s->str);
  g_assert_true (wf_verdict_has_rule (big, "too-large"));
  g_string_free (s, TRUE);

  empty = check_source ("");
  g_assert_true (wf_verdict_is_allowed (empty));

  /* Words in strings never count, even with control characters around. */
  bidi = check_source ("label = 'eval \u202e exec __import__ os.system'\n");
  g_assert_true (wf_verdict_is_allowed (bidi));
}

static void
test_verdict_round_trip (void)
{
  g_autoptr(WfVerdict) verdict = wf_verdict_new (WF_VERDICT_ALLOW, "python");
  g_autoptr(WfVerdict) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  const WfRule *r;

  g_assert_true (wf_verdict_is_allowed (verdict));
  wf_verdict_add_rule (verdict, "blocked-name", 3, 5, "“eval” is not allowed.");
  g_assert_false (wf_verdict_is_allowed (verdict));
  json = wf_verdict_to_json (verdict);
  g_assert_nonnull (strstr (json, "\"verdict\":\"block\""));

  back = wf_verdict_from_json (json, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (back->verdict, ==, WF_VERDICT_BLOCK);
  g_assert_cmpstr (back->language, ==, "python");
  g_assert_cmpuint (back->rules->len, ==, 1);
  r = g_ptr_array_index (back->rules, 0);
  g_assert_cmpstr (r->rule, ==, "blocked-name");
  g_assert_cmpint (r->line, ==, 3);
  g_assert_cmpint (r->column, ==, 5);
  g_assert_cmpstr (r->message, ==, "“eval” is not allowed.");
}

static void
test_verdict_allow_json (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WfVerdict) v = wf_verdict_from_json ("{\"verdict\":\"allow\",\"language\":\"sql\",\"rules\":[],\"extra\":1}",
                                                 -1, &error);

  g_assert_no_error (error);
  g_assert_true (wf_verdict_is_allowed (v));
  g_assert_cmpstr (v->language, ==, "sql");
}

static void
test_verdict_invalid_json (void)
{
  const char *bad[] = {
    "",
    "not json",
    "[]",
    "{\"verdict\":\"maybe\",\"language\":\"python\",\"rules\":[]}",
    "{\"verdict\":\"allow\",\"language\":\"ruby\",\"rules\":[]}",
    "{\"verdict\":\"allow\",\"language\":\"python\"}",
    "{\"verdict\":\"allow\",\"language\":\"python\",\"rules\":{}}",
    /* contradictions */
    "{\"verdict\":\"block\",\"language\":\"python\",\"rules\":[]}",
    "{\"verdict\":\"allow\",\"language\":\"python\",\"rules\":[{\"rule\":\"x\",\"line\":1,\"column\":1,\"message\":\"m\"}]}",
    /* malformed rules */
    "{\"verdict\":\"block\",\"language\":\"python\",\"rules\":[1]}",
    "{\"verdict\":\"block\",\"language\":\"python\",\"rules\":[{\"rule\":\"\",\"line\":1,\"column\":1,\"message\":\"m\"}]}",
    "{\"verdict\":\"block\",\"language\":\"python\",\"rules\":[{\"rule\":\"Bad Id\",\"line\":1,\"column\":1,\"message\":\"m\"}]}",
    "{\"verdict\":\"block\",\"language\":\"python\",\"rules\":[{\"rule\":\"x\",\"line\":\"1\",\"column\":1,\"message\":\"m\"}]}",
    "{\"verdict\":\"block\",\"language\":\"python\",\"rules\":[{\"rule\":\"x\",\"line\":1.5,\"column\":1,\"message\":\"m\"}]}",
    "{\"verdict\":\"block\",\"language\":\"python\",\"rules\":[{\"rule\":\"x\",\"line\":-1,\"column\":1,\"message\":\"m\"}]}",
    "{\"verdict\":\"block\",\"language\":\"python\",\"rules\":[{\"rule\":\"x\",\"line\":99999999999,\"column\":1,\"message\":\"m\"}]}",
    "{\"verdict\":\"block\",\"language\":\"python\",\"rules\":[{\"rule\":\"x\",\"line\":1,\"column\":1}]}",
    "{\"verdict\":\"block\",\"language\":\"python\",\"rules\":[{\"rule\":\"x\",\"line\":1,\"column\":1,\"message\":null}]}",
    "{\"verdict\":\"block\",\"language\":\"python\",\"rules\":[{\"rule\":\"x\",\"line\":1,\"column\":1,\"message\":\"m\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(WfVerdict) v = wf_verdict_from_json (bad[i], -1, &error);

      g_test_message ("bad verdict %u: %s", i, bad[i]);
      g_assert_null (v);
      g_assert_error (error, WF_FIREWALL_ERROR, WF_FIREWALL_ERROR_INVALID);
    }
}

static void
test_verdict_bounds (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WfVerdict) v = NULL;
  GString *s = g_string_new ("{\"verdict\":\"block\",\"language\":\"python\",\"rules\":[");
  const char invalid_utf8[] = "{\"verdict\":\"allow\",\"language\":\"python\",\"rules\":[],\"x\":\"\xff\"}";

  for (guint i = 0; i < WF_VERDICT_MAX_RULES + 1; i++)
    g_string_append_printf (s, "%s{\"rule\":\"r\",\"line\":1,\"column\":1,\"message\":\"m\"}", i ? "," : "");
  g_string_append (s, "]}");
  v = wf_verdict_from_json (s->str, s->len, &error);
  g_assert_null (v);
  g_assert_error (error, WF_FIREWALL_ERROR, WF_FIREWALL_ERROR_INVALID);
  g_clear_error (&error);

  while (s->len <= WF_VERDICT_MAX_BYTES)
    g_string_append (s, "          ");
  v = wf_verdict_from_json (s->str, s->len, &error);
  g_assert_null (v);
  g_assert_error (error, WF_FIREWALL_ERROR, WF_FIREWALL_ERROR_INVALID);
  g_clear_error (&error);
  g_string_free (s, TRUE);

  v = wf_verdict_from_json (invalid_utf8, -1, &error);
  g_assert_null (v);
  g_assert_error (error, WF_FIREWALL_ERROR, WF_FIREWALL_ERROR_INVALID);
}

/* The local checker reports a missing interpreter as an error, not a verdict. */
static void
test_local_missing_python (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WfVerdict) v = wf_firewall_check_python_local ("/nonexistent/python3", get_runner_dir (),
                                                           "x = 1\n", NULL, &error);

  g_assert_null (v);
  g_assert_error (error, WF_FIREWALL_ERROR, WF_FIREWALL_ERROR_CHECKER);
}

/* policy.json is the one source of the policy: the checker and the UI read
 * it, so it must hold what the issue lists. */
static void
test_policy_json (void)
{
  g_autofree char *path = g_build_filename (get_runner_dir (), "policy.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  const char *expected[] = {
    "math", "cmath", "statistics", "decimal", "fractions", "datetime", "calendar",
    "itertools", "functools", "operator", "collections", "dataclasses", "typing",
    "json", "csv", "io", "re", "random", "numpy", "pandas", "numpy_financial", "whatif",
  };
  JsonObject *root;
  JsonArray *allowed;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  allowed = json_object_get_array_member (root, "allowed_imports");
  g_assert_cmpuint (json_array_get_length (allowed), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (json_array_get_string_element (allowed, i), ==, expected[i]);
  g_assert_true (json_object_has_member (json_object_get_object_member (root, "messages"),
                                         "import-not-allowed"));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) files = NULL;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/firewall/verdict/round-trip", test_verdict_round_trip);
  g_test_add_func ("/firewall/verdict/allow-json", test_verdict_allow_json);
  g_test_add_func ("/firewall/verdict/invalid-json", test_verdict_invalid_json);
  g_test_add_func ("/firewall/verdict/bounds", test_verdict_bounds);
  g_test_add_func ("/firewall/policy/policy-json", test_policy_json);
  g_test_add_func ("/firewall/policy/corpus-size", test_corpus_size);
  g_test_add_func ("/firewall/policy/positions", test_positions);
  g_test_add_func ("/firewall/policy/hostile-inputs", test_hostile_inputs);
  g_test_add_func ("/firewall/policy/missing-python", test_local_missing_python);

  files = list_corpus ();
  for (guint i = 0; i < files->len; i++)
    {
      const char *file = g_ptr_array_index (files, i);
      g_autofree char *base = g_path_get_basename (file);
      g_autofree char *test_path = NULL;

      base[strlen (base) - 3] = '\0';
      test_path = g_strdup_printf ("/firewall/policy/corpus/%s", base);
      g_test_add_data_func (test_path, file, test_corpus_case);
    }

  return g_test_run ();
}
