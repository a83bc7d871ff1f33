/* test-redact.c: credentials never survive wf_redact()
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "wf-redact.h"

#include <string.h>

typedef struct
{
  const char *input;
  const char *expected;   /* the whole output */
} RedactCase;

static const RedactCase cases[] = {
  /* OpenRouter */
  { "key sk-or-v1-0123456789abcdef0123456789abcdef used",
    "key sk-or-v1-[redacted] used" },
  { "OPENROUTER_API_KEY=sk-or-v1-abcdefABCDEF12345678",
    "OPENROUTER_API_KEY=[redacted]" },
  /* Langfuse public and secret keys */
  { "pk-lf-1234abcd-5678-90ef-aaaa-bbbbccccdddd and sk-lf-99998888-7777-6666-5555-444433332222",
    "pk-lf-[redacted] and sk-lf-[redacted]" },
  /* E2B */
  { "sandbox key e2b_0123456789abcdef0123456789abcdef0123.",
    "sandbox key e2b_[redacted]." },
  /* Cohere-style bare key */
  { "cohere: Ab3dEf5hIj7lMn9pQr1tUv3xYz5bCd7fGh9jKl1n end",
    "cohere: [redacted] end" },
  /* Bearer and Basic */
  { "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig_Xy-12",
    "Authorization: Bearer [redacted]" },
  { "authorization: basic dXNlcjpwYXNzd29yZA==",
    "authorization: basic [redacted]" },
  /* JSON pairs */
  { "{\"api_key\": \"abcd1234efgh\", \"model\": \"x\"}",
    "{\"api_key\": \"[redacted]\", \"model\": \"x\"}" },
  { "{\"client_secret\":\"s3cr3t-value\"}",
    "{\"client_secret\":\"[redacted]\"}" },
  /* Generic pairs */
  { "password=hunter22 user=bob", "password=[redacted] user=bob" },
  { "X-Api-Key: 0f0f0f0f0f0f", "X-Api-Key: [redacted]" },
  { "access_token = 'tok_abcdefgh'", "access_token = '[redacted]'" },
  /* URL credentials */
  { "fetching https://bob:pa55word@example.com/data.csv",
    "fetching https://bob:[redacted]@example.com/data.csv" },
  /* Nothing to mask: prose, finance words, hashes, short values */
  { "Bearer bonds and basic economics for the task",
    "Bearer bonds and basic economics for the task" },
  { "commit 3f2a9c1b4d5e6f708192a3b4c5d6e7f809182736 merged",
    "commit 3f2a9c1b4d5e6f708192a3b4c5d6e7f809182736 merged" },
  { "max_tokens: 512, input_tokens=40, desk-organiser sk-or- alone",
    "max_tokens: 512, input_tokens=40, desk-organiser sk-or- alone" },
  { "time 12:30 at ratio 3:1 on http://example.com:8080/x",
    "time 12:30 at ratio 3:1 on http://example.com:8080/x" },
  { "", "" },
  { "naïve café — €100 budget", "naïve café — €100 budget" },
};

static void
test_cases (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = wf_redact (cases[i].input);

      g_test_message ("case %u: %s", i, cases[i].input);
      g_assert_cmpstr (out, ==, cases[i].expected);
    }
}

static void
test_null (void)
{
  g_assert_null (wf_redact (NULL));
}

/* Every key the providers use must be gone from a realistic log line. */
static void
test_log_line (void)
{
  const char *secrets[] = {
    "sk-or-v1-5f4dcc3b5aa765d61d8327deb882cf99",
    "e2b_53ae1fed82754c17ad8077fbc8bcdd90",
    "sk-lf-1f2e3d4c-5b6a-7980-a1b2-c3d4e5f60718",
    "AbCdEfGh1234567890IjKlMnOpQrStUvWxYz1234",
  };
  g_autofree char *line = g_strdup_printf ("POST /api/v1/chat headers={\"Authorization\": \"Bearer %s\", "
                                           "\"X-E2B-Key\": \"%s\"} langfuse=%s cohere %s",
                                           secrets[0], secrets[1], secrets[2], secrets[3]);
  g_autofree char *out = wf_redact (line);

  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    g_assert_null (strstr (out, secrets[i] + 8));
  g_assert_nonnull (strstr (out, "POST /api/v1/chat"));
}

/* Hostile shapes: long runs of the characters the scanner reacts to must
 * finish (linear scan) and keep the text intact. */
static void
test_pathological (void)
{
  const char *units[] = { ":", "a:", "sk-", "api_key", "Bearer ", "x=", "://a:", "e2b_" };

  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    {
      GString *s = g_string_new (NULL);
      g_autofree char *out = NULL;

      for (guint j = 0; j < 50000; j++)
        g_string_append (s, units[i]);
      out = wf_redact (s->str);
      g_assert_nonnull (out);
      g_assert_cmpuint (strlen (out), >, 0);
      g_string_free (s, TRUE);
    }
}

/* A warning logged with a key in it reaches stderr redacted once the writer
 * is installed, as it is in both executables. */
static void
test_log_writer (void)
{
  if (g_test_subprocess ())
    {
      g_log_set_writer_func (wf_redact_log_writer, NULL, NULL);
      g_message ("calling with Authorization: Bearer sk-or-v1-00112233445566778899aabbccddeeff");
      g_log_structured ("wf-test", G_LOG_LEVEL_MESSAGE,
                        "MESSAGE", "key e2b_0123456789abcdef0123456789abcdef0123 in use");
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*Bearer*[redacted]*");
  g_test_trap_assert_stderr ("*e2b_[redacted]*");
  g_test_trap_assert_stderr_unmatched ("*00112233445566778899aabbccddeeff*");
  g_test_trap_assert_stderr_unmatched ("*0123456789abcdef0123456789abcdef0123*");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/redact/cases", test_cases);
  g_test_add_func ("/redact/null", test_null);
  g_test_add_func ("/redact/log-line", test_log_line);
  g_test_add_func ("/redact/pathological", test_pathological);
  g_test_add_func ("/redact/log-writer", test_log_writer);

  return g_test_run ();
}
