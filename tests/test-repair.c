/* test-repair.c: structured repair of model answers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The corpus (tests/data/repair/manifest.json + cases/) drives one test per
 * case; the targeted tests below check the properties a corpus cannot show
 * case by case: no half program is ever accepted, work grows linearly, size
 * limits hold.
 */
#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "wf-repair.h"

typedef struct
{
  char     *name;
  char     *file;
  gboolean  ok;
  char     *error;
  char     *language;
  char     *contains;
  char     *not_contains;
  char    **fixes;
} Case;

static GPtrArray *cases;

static void
case_free (Case *c)
{
  g_free (c->name);
  g_free (c->file);
  g_free (c->error);
  g_free (c->language);
  g_free (c->contains);
  g_free (c->not_contains);
  g_strfreev (c->fixes);
  g_free (c);
}

static int
error_code_from_name (const char *name)
{
  static const struct { const char *name; int code; } codes[] = {
    { "UNRECOVERABLE", WF_REPAIR_ERROR_UNRECOVERABLE },
    { "TRUNCATED_CODE", WF_REPAIR_ERROR_TRUNCATED_CODE },
    { "BIDI_CONTROL", WF_REPAIR_ERROR_BIDI_CONTROL },
    { "TOO_LARGE", WF_REPAIR_ERROR_TOO_LARGE },
    { "WRONG_TYPE", WF_REPAIR_ERROR_WRONG_TYPE },
    { "UNSUPPORTED_LANGUAGE", WF_REPAIR_ERROR_UNSUPPORTED_LANGUAGE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    if (g_str_equal (codes[i].name, name))
      return codes[i].code;
  g_error ("unknown error code %s in the corpus", name);
  return -1;
}

static char *
dup_member (JsonObject *o,
            const char *name)
{
  return json_object_has_member (o, name) ? g_strdup (json_object_get_string_member (o, name)) : NULL;
}

static void
load_corpus (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "repair", "manifest.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *array;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  array = json_node_get_array (json_parser_get_root (parser));
  cases = g_ptr_array_new_with_free_func ((GDestroyNotify) case_free);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);
      Case *c = g_new0 (Case, 1);

      c->name = dup_member (o, "name");
      c->file = dup_member (o, "file");
      c->ok = json_object_get_boolean_member (o, "ok");
      c->error = dup_member (o, "error");
      c->language = dup_member (o, "language");
      c->contains = dup_member (o, "contains");
      c->not_contains = dup_member (o, "not_contains");
      if (json_object_has_member (o, "fixes"))
        {
          JsonArray *fixes = json_object_get_array_member (o, "fixes");
          c->fixes = g_new0 (char *, json_array_get_length (fixes) + 1);
          for (guint k = 0; k < json_array_get_length (fixes); k++)
            c->fixes[k] = g_strdup (json_array_get_string_element (fixes, k));
        }
      g_ptr_array_add (cases, c);
    }
}

static char *
fixes_to_string (WfRepairResult *result)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i < result->fixes->len; i++)
    g_string_append_printf (s, "%s%s", i ? "," : "", (char *) g_ptr_array_index (result->fixes, i));
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
test_corpus_case (gconstpointer data)
{
  const Case *c = data;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "repair", c->file, NULL);
  g_autofree char *raw = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRepairResult) result = NULL;

  g_file_get_contents (path, &raw, &len, &error);
  g_assert_no_error (error);

  result = wf_repair (raw, len, 0, NULL, &error);
  if (c->ok)
    {
      g_autofree char *fixes = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (result);
      fixes = fixes_to_string (result);
      g_test_message ("fixes: %s", fixes);
      g_assert_cmpstr (result->language, ==, c->language);
      g_assert_nonnull (result->explanation);
      if (strstr (result->code, c->contains) == NULL)
        g_error ("code of %s lacks “%s”:\n%s", c->name, c->contains, result->code);
      /* Never invented: the code's first line is in the answer as written
       * or as a JSON-escaped string. */
      if (c->not_contains)
        g_assert_null (strstr (result->code, c->not_contains));
      for (guint i = 0; c->fixes && c->fixes[i]; i++)
        if (!wf_repair_result_has_fix (result, c->fixes[i]))
          g_error ("%s: expected fix %s, got [%s]", c->name, c->fixes[i], fixes);
    }
  else
    {
      g_assert_null (result);
      g_assert_error (error, WF_REPAIR_ERROR, error_code_from_name (c->error));
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_cmpuint (strlen (error->message), >, 10);
    }
}

/* The corpus covers every category the issue lists. */
static void
test_corpus_coverage (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "repair", "manifest.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  const char *required[] = {
    "fences", "prose", "xml", "invisible", "commas", "quotes", "keys", "literals", "comments",
    "raw", "smart", "double", "two", "truncated", "bare", "language", "lines", "keycase",
    "extra", "bidi", "types", "hopeless",
  };
  JsonArray *array;

  g_assert_true (json_parser_load_from_file (parser, path, NULL));
  array = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (array), >=, 80);
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_hash_table_add (seen, (gpointer) json_object_get_string_member (json_array_get_object_element (array, i), "category"));
  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    if (!g_hash_table_contains (seen, required[i]))
      g_error ("no corpus case for category %s", required[i]);
}

static const char *valid_answer =
  "{\"code\": \"import numpy_financial as npf\\npayment = npf.pmt(0.075 / 12, 60, -40000)\\n"
  "print(\\\"Payment\\\", round(payment, 2))\", \"explanation\": \"Monthly payment.\", "
  "\"language\": \"python\"}";
static const char *valid_code =
  "import numpy_financial as npf\npayment = npf.pmt(0.075 / 12, 60, -40000)\n"
  "print(\"Payment\", round(payment, 2))";

/* Half a program must never run: every prefix of an answer is either
 * rejected or repaired to the whole code. */
static void
test_every_cut_point (void)
{
  const char *answers[] = {
    valid_answer,
    "```json\n{\"code\": [\"x = 1\", \"y = 2\", \"print(x + y)\"], \"explanation\": \"sum\"}\n```",
    "{'code': 'print(\"a\")\\nprint(\"b\")', 'explanation': 'two', 'language': 'python'}",
    "```python\nimport math\nprint(math.sqrt(2))\n```",
  };
  const char *codes[] = {
    valid_code,
    "x = 1\ny = 2\nprint(x + y)",
    "print(\"a\")\nprint(\"b\")",
    "import math\nprint(math.sqrt(2))",
  };

  for (guint a = 0; a < G_N_ELEMENTS (answers); a++)
    {
      gsize len = strlen (answers[a]);
      guint accepted = 0;

      for (gsize cut = 0; cut <= len; cut++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(WfRepairResult) result = wf_repair (answers[a], cut, 0, NULL, &error);

          if (result != NULL)
            {
              accepted++;
              if (!g_str_equal (result->code, codes[a]))
                g_error ("prefix of %zu bytes of answer %u gave partial code:\n%s", cut, a,
                         result->code);
            }
          else
            g_assert_true (error->domain == WF_REPAIR_ERROR);
        }
      /* The whole answer itself is accepted. */
      g_assert_cmpuint (accepted, >=, 1);
    }
}

static void
test_truncated_inside_code (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRepairResult) result = NULL;
  g_autofree char *prompt = NULL;

  result = wf_repair ("{\"code\": \"for i in range(10):\\n    print(", -1, 0, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, WF_REPAIR_ERROR, WF_REPAIR_ERROR_TRUNCATED_CODE);

  prompt = wf_repair_build_reask_prompt (error);
  g_assert_true (g_str_has_prefix (prompt, "Your last answer was not valid JSON because"));
  g_assert_nonnull (strstr (prompt, "cut off"));
  g_assert_nonnull (strstr (prompt, "\"code\""));
}

/* Trojan Source (CVE-2021-42574): the code reads one way and runs another. */
static void
test_trojan_source (void)
{
  const gunichar controls[] = { 0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
                                0x2066, 0x2067, 0x2068, 0x2069, 0x200E, 0x200F, 0x061C };

  for (guint i = 0; i < G_N_ELEMENTS (controls); i++)
    {
      char utf8[8] = { 0 };
      g_autofree char *raw_json = NULL;
      g_autofree char *escaped_json = NULL;
      g_autofree char *fenced = NULL;
      const char *inputs[3];

      g_unichar_to_utf8 (controls[i], utf8);
      raw_json = g_strdup_printf ("{\"code\": \"access = 'user'  # %s admin only\\nprint(access)\", "
                                  "\"explanation\": \"x\", \"language\": \"python\"}", utf8);
      escaped_json = g_strdup_printf ("{\"code\": \"s = '\\u%04x'\\nprint(s)\", \"explanation\": \"x\"}",
                                      controls[i]);
      fenced = g_strdup_printf ("```python\nx = 1  # %s\nprint(x)\n```", utf8);
      inputs[0] = raw_json;
      inputs[1] = escaped_json;
      inputs[2] = fenced;

      for (guint k = 0; k < G_N_ELEMENTS (inputs); k++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(WfRepairResult) result = wf_repair (inputs[k], -1, 0, NULL, &error);

          g_assert_null (result);
          g_assert_error (error, WF_REPAIR_ERROR, WF_REPAIR_ERROR_BIDI_CONTROL);
          g_assert_nonnull (strstr (error->message, "U+"));
        }
    }
}

static void
test_length_bounded (void)
{
  /* Only LENGTH bytes are the answer, whatever follows them in memory (the
   * CLI and the fuzzer pass buffers that are not NUL-terminated). Each is
   * repaired the same as a terminated copy of its first LENGTH bytes. */
  const struct { const char *text; gsize len; } inputs[] = {
    { "SELECT amount FROM payments WHERE year = 2025;  -- NOT PART OF IT", 46 },
    { "```python\nprint(1)\n```\nNOT PART OF IT", 24 },
    { "{\"code\": \"print(2)\", \"explanation\": \"e\"} NOT PART {\"code\": \"x\"}", 41 },
    { "SELECT", 6 },   /* found by the fuzzer: a keyword right at the end */
    { "```", 3 },
  };

  long page = sysconf (_SC_PAGESIZE);
  char *pages = mmap (NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

  /* The answer ends right before a page that cannot be read: a read past
   * its end crashes the test instead of going unnoticed. */
  g_assert_true (pages != MAP_FAILED);
  g_assert_cmpint (mprotect (pages + page, page, PROT_NONE), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      char *edge = pages + page - inputs[i].len;
      g_autofree char *copy = g_strndup (inputs[i].text, inputs[i].len);
      g_autoptr(WfRepairResult) bounded = NULL;
      g_autoptr(WfRepairResult) terminated = wf_repair (copy, -1, 0, NULL, NULL);

      memcpy (edge, inputs[i].text, inputs[i].len);
      bounded = wf_repair (edge, (gssize) inputs[i].len, 0, NULL, NULL);

      g_test_message ("input %u: %s", i, copy);
      g_assert_true ((bounded == NULL) == (terminated == NULL));
      g_assert_true (bounded != NULL || i >= 3);
      if (bounded == NULL)
        continue;
      g_assert_cmpstr (bounded->code, ==, terminated->code);
      g_assert_cmpstr (bounded->language, ==, terminated->language);
      g_assert_null (strstr (bounded->code, "NOT PART"));
    }  munmap (pages, 2 * page);
}

static void
test_two_objects (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRepairResult) result = NULL;

  /* The first is not an answer, the second is broken but repairable, the
   * third is valid: the first that validates wins, whatever its position. */
  result = wf_repair ("{\"plan\": \"compute\"}\n"
                      "{'code': 'print(2)', 'explanation': 'second',}\n"
                      "{\"code\": \"print(3)\", \"explanation\": \"third\", \"language\": \"python\"}",
                      -1, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (result->code, ==, "print(2)");
  g_assert_cmpstr (result->explanation, ==, "second");
  g_assert_true (wf_repair_result_has_fix (result, "multiple_objects"));
  g_assert_true (wf_repair_result_has_fix (result, "single_quotes"));
  g_assert_true (wf_repair_result_has_fix (result, "trailing_comma"));
}

static void
test_size_limits (void)
{
  g_autoptr(GString) code = g_string_new (NULL);
  g_autoptr(GString) answer = g_string_new ("{\"code\": \"");
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRepairResult) result = NULL;
  g_autofree char *huge = NULL;

  while (code->len < 150 * 1024)
    g_string_append_printf (code, "v%u = %u * 1.05\\n", (guint) code->len, (guint) code->len);
  g_string_append (answer, code->str);
  g_string_append (answer, "\", \"explanation\": \"long\", \"language\": \"python\"}");

  /* Within the default 200 KB: accepted. */
  result = wf_repair (answer->str, answer->len, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (result->code), >, 100 * 1024);
  g_clear_pointer (&result, wf_repair_result_free);

  /* The limit is a parameter. */
  result = wf_repair (answer->str, answer->len, 64 * 1024, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, WF_REPAIR_ERROR, WF_REPAIR_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* Also with nothing but the code in the object. */
  result = wf_repair ("{\"code\": \"print('0123456789')\"}", -1, 8, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, WF_REPAIR_ERROR, WF_REPAIR_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* A raw answer far over the limit is refused before any scanning. */
  huge = g_malloc (4 * 1024 * 1024 + 1);
  memset (huge, ' ', 4 * 1024 * 1024);
  huge[4 * 1024 * 1024] = '\0';
  result = wf_repair (huge, -1, 0, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, WF_REPAIR_ERROR, WF_REPAIR_ERROR_TOO_LARGE);
}

static char *
repeat (const char *unit,
        guint       times)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < times; i++)
    g_string_append (s, unit);
  return g_string_free (s, FALSE);
}

/* Linear time, checked by counting work, not by a clock: for inputs that are
 * worst cases for naive scanners, 10× the input must cost ≤ 12× the work. */
static void
test_linear_work (void)
{
  const char *units[] = {
    "{",
    "{\"a\":",
    "[",
    "{\"code\": \"x\\\"",
    "\"",
    "'",
    "{'a' '",
    "```python\n",
    "```json\n{\n```\n",
    "{a:{b:",
    "x = 1\n",
    "<code>",
    "{\"code\": [\"",
    "\"\"\"",
    "/*",
    "{\"c\": 1}",
    "\\u",
    "{\"x\": \"{\\\"y\\\": \\\"",
  };

  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    {
      g_autofree char *small = repeat (units[i], 2000);
      g_autofree char *large = repeat (units[i], 20000);
      WfRepairStats s1, s10;
      g_autoptr(WfRepairResult) r1 = NULL;
      g_autoptr(WfRepairResult) r10 = NULL;
      double ratio;

      r1 = wf_repair (small, -1, 0, &s1, NULL);
      r10 = wf_repair (large, -1, 0, &s10, NULL);
      ratio = (double) s10.steps / (double) MAX (s1.steps, 1);
      g_test_message ("unit %u: %" G_GUINT64_FORMAT " → %" G_GUINT64_FORMAT " steps (×%.2f)",
                      i, s1.steps, s10.steps, ratio);
      g_assert_cmpfloat (ratio, <=, 12.0);
      /* and a small constant per byte, not a hidden quadratic */
      g_assert_cmpuint (s10.steps, <=, 40 * strlen (large));
    }
}

static void
test_reask_prompt (void)
{
  const int codes[] = {
    WF_REPAIR_ERROR_UNRECOVERABLE, WF_REPAIR_ERROR_TRUNCATED_CODE, WF_REPAIR_ERROR_BIDI_CONTROL,
    WF_REPAIR_ERROR_TOO_LARGE, WF_REPAIR_ERROR_WRONG_TYPE, WF_REPAIR_ERROR_UNSUPPORTED_LANGUAGE,
  };
  g_autoptr(GHashTable) distinct = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_assert_cmpint (WF_REPAIR_MAX_REASKS, ==, 1);
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autoptr(GError) error = g_error_new_literal (WF_REPAIR_ERROR, codes[i], "x");
      char *prompt = wf_repair_build_reask_prompt (error);

      g_assert_true (g_str_has_prefix (prompt, "Your last answer was not valid JSON because "));
      g_assert_nonnull (strstr (prompt, "\"explanation\""));
      g_assert_cmpuint (strlen (prompt), <, 600);
      g_hash_table_add (distinct, prompt);
    }
  /* Each error says why in its own words. */
  g_assert_cmpuint (g_hash_table_size (distinct), ==, G_N_ELEMENTS (codes));
}

static void
test_languages (void)
{
  g_assert_cmpstr (wf_repair_normalize_language ("py"), ==, "python");
  g_assert_cmpstr (wf_repair_normalize_language ("Python 3"), ==, "python");
  g_assert_cmpstr (wf_repair_normalize_language ("python3"), ==, "python");
  g_assert_cmpstr (wf_repair_normalize_language ("PY3"), ==, "python");
  g_assert_cmpstr (wf_repair_normalize_language ("sqlite"), ==, "sql");
  g_assert_cmpstr (wf_repair_normalize_language ("SQL"), ==, "sql");
  g_assert_null (wf_repair_normalize_language ("javascript"));
  g_assert_null (wf_repair_normalize_language ("python; rm"));
  g_assert_null (wf_repair_normalize_language (""));
  g_assert_cmpstr (wf_repair_infer_language ("  select 1"), ==, "sql");
  g_assert_cmpstr (wf_repair_infer_language ("-- c\n(SELECT 1)"), ==, "sql");
  g_assert_cmpstr (wf_repair_infer_language ("selected = 1"), ==, "python");
  g_assert_cmpstr (wf_repair_infer_language ("import math"), ==, "python");
}

/* Fixes come in a stable order and only once each. */
static void
test_fix_ids (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRepairResult) result = NULL;

  result = wf_repair ("\xef\xbb\xbfSure:\n```json\n{Code: 'print(1)', 'x': True, /* c */}\n```", -1, 0,
                      NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (result->code, ==, "print(1)");
  g_assert_cmpuint (result->fixes->len, >=, 6);
  for (guint i = 0; i < result->fixes->len; i++)
    for (guint k = i + 1; k < result->fixes->len; k++)
      g_assert_cmpstr (g_ptr_array_index (result->fixes, i), !=, g_ptr_array_index (result->fixes, k));
  g_assert_cmpstr (g_ptr_array_index (result->fixes, 0), ==, "strip_invisible");
  g_assert_true (wf_repair_result_has_fix (result, "key_case"));
  g_assert_true (wf_repair_result_has_fix (result, "unquoted_keys"));
  g_assert_true (wf_repair_result_has_fix (result, "python_literals"));
  g_assert_true (wf_repair_result_has_fix (result, "comments"));
  g_assert_true (wf_repair_result_has_fix (result, "dropped_keys"));
  g_assert_true (wf_repair_result_has_fix (result, "inferred_language"));
}

/* Deep nesting is refused, not a stack overflow. */
static void
test_deep_nesting (void)
{
  g_autofree char *deep = repeat ("[", 100000);
  g_autofree char *deep_obj = repeat ("{\"code\":", 50000);
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRepairResult) result = NULL;

  result = wf_repair (deep, -1, 0, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, WF_REPAIR_ERROR, WF_REPAIR_ERROR_UNRECOVERABLE);
  g_clear_error (&error);
  result = wf_repair (deep_obj, -1, 0, NULL, &error);
  g_assert_null (result);
  g_assert_nonnull (error);
}

/* Runs whatif-cli repair --json with stdin; returns the exit status. */
static int
run_cli (const char  *cli,
         const char  *input,
         JsonObject **out)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out_text = NULL;
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "answer.txt", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();

  /* From a file, not a pipe: the CLI stops reading an oversized input early
   * and a pipe would then break under the writer. */
  g_file_set_contents (path, input, -1, &error);
  g_assert_no_error (error);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_stdin_file_path (launcher, path);
  proc = g_subprocess_launcher_spawn (launcher, &error, cli, "repair", "--json", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out_text, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, out_text, -1, NULL));
  *out = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
  return g_subprocess_get_exit_status (proc);
}

static void
test_cli (void)
{
  const char *cli = g_getenv ("WHATIF_CLI");
  g_autoptr(JsonObject) o = NULL;
  JsonObject *value;
  JsonArray *fixes;
  g_autoptr(GString) big = g_string_new (NULL);

  if (cli == NULL || !g_file_test (cli, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("whatif-cli is not built yet (it needs the store)");
      return;
    }

  g_assert_cmpint (run_cli (cli, "```py\nprint(1)\n```", &o), ==, 0);
  g_assert_true (json_object_get_boolean_member (o, "ok"));
  value = json_object_get_object_member (o, "value");
  g_assert_cmpstr (json_object_get_string_member (value, "code"), ==, "print(1)");
  g_assert_cmpstr (json_object_get_string_member (value, "language"), ==, "python");
  g_assert_true (json_object_has_member (value, "explanation"));
  fixes = json_object_get_array_member (o, "fixes");
  g_assert_cmpstr (json_array_get_string_element (fixes, 0), ==, "strip_fence");
  g_clear_pointer (&o, json_object_unref);

  g_assert_cmpint (run_cli (cli, "Sorry, I cannot help with that.", &o), ==, 1);
  g_assert_false (json_object_get_boolean_member (o, "ok"));
  g_assert_nonnull (strstr (json_object_get_string_member (o, "error"), "No code"));
  g_clear_pointer (&o, json_object_unref);

  /* Standard input is bounded. */
  while (big->len < 2 * 1024 * 1024)
    g_string_append (big, "x = 1\n");
  g_assert_cmpint (run_cli (cli, big->str, &o), ==, 1);
  g_assert_false (json_object_get_boolean_member (o, "ok"));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  load_corpus ();
  for (guint i = 0; i < cases->len; i++)
    {
      Case *c = g_ptr_array_index (cases, i);
      g_autofree char *path = g_strdup_printf ("/repair/corpus/%s", c->name);
      g_test_add_data_func (path, c, test_corpus_case);
    }
  g_test_add_func ("/repair/corpus-coverage", test_corpus_coverage);
  g_test_add_func ("/repair/every-cut-point", test_every_cut_point);
  g_test_add_func ("/repair/truncated-inside-code", test_truncated_inside_code);
  g_test_add_func ("/repair/trojan-source", test_trojan_source);
  g_test_add_func ("/repair/two-objects", test_two_objects);
  g_test_add_func ("/repair/length-bounded", test_length_bounded);
  g_test_add_func ("/repair/size-limits", test_size_limits);
  g_test_add_func ("/repair/linear-work", test_linear_work);
  g_test_add_func ("/repair/reask-prompt", test_reask_prompt);
  g_test_add_func ("/repair/languages", test_languages);
  g_test_add_func ("/repair/fix-ids", test_fix_ids);
  g_test_add_func ("/repair/deep-nesting", test_deep_nesting);
  g_test_add_func ("/repair/cli", test_cli);

  ret = g_test_run ();
  g_ptr_array_unref (cases);
  return ret;
}
