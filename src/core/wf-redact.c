/* wf-redact.c: one linear pass over the text, no regular expressions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The scanner looks at each word (a run of [A-Za-z0-9_-]) once. A word is a
 * credential by its prefix or shape, or it names one (api_key, token, …) and
 * the value after "=" or ":" is masked. Every branch moves forward, so the
 * whole pass is linear; values are bounded by the characters they may hold.
 */
#define G_LOG_DOMAIN "wf-redact"

#include "config.h"

#include "wf-redact.h"

#include <string.h>

/* Shortest secret worth masking after a known prefix: shorter tails are
 * prose ("sk-or-" alone, "e2b_sandbox"). */
#define MIN_SECRET 8

static gboolean
is_word (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '-';
}

/* Characters of a token value: base64, base64url, JWT dots, and the
 * punctuation keys and passwords use. */
static gboolean
is_value (char c)
{
  return g_ascii_isalnum (c) || strchr ("_-.~+/=!$%*?#^", c) != NULL;
}

static gboolean
has_prefix_ci (const char *p,
               gsize       len,
               const char *prefix)
{
  gsize n = strlen (prefix);

  return len >= n && g_ascii_strncasecmp (p, prefix, n) == 0;
}

static gboolean
has_suffix_ci (const char *p,
               gsize       len,
               const char *suffix)
{
  gsize n = strlen (suffix);

  return len >= n && g_ascii_strncasecmp (p + len - n, suffix, n) == 0;
}

/* Cohere keys and the like: exactly 40 letters and digits with upper case,
 * lower case and digits all present (a git hash is lower-case hex only). */
static gboolean
looks_like_bare_key (const char *p,
                     gsize       len)
{
  gboolean upper = FALSE, lower = FALSE, digit = FALSE;

  if (len != 40)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (g_ascii_isupper (p[i]))
        upper = TRUE;
      else if (g_ascii_islower (p[i]))
        lower = TRUE;
      else if (g_ascii_isdigit (p[i]))
        digit = TRUE;
      else
        return FALSE;
    }

  return upper && lower && digit;
}

/* The length of the prefix to keep when WORD is a key by its own prefix, or
 * -1. */
static gssize
key_prefix (const char *p,
            gsize       len)
{
  static const char * const prefixes[] = {
    "sk-or-v1-", "sk-or-", "sk-lf-", "pk-lf-", "sk-proj-", "sk-ant-", "e2b_", "sk-", NULL,
  };

  for (guint i = 0; prefixes[i] != NULL; i++)
    {
      gsize n = strlen (prefixes[i]);

      if (len >= n + MIN_SECRET && strncmp (p, prefixes[i], n) == 0)
        return n;
    }

  return -1;
}

/* Whether a word names a secret, so that the value assigned to it is one. */
static gboolean
names_secret (const char *p,
              gsize       len)
{
  static const char * const suffixes[] = {
    "api_key", "api-key", "apikey", "access_key", "secret_key", "private_key",
    "access_token", "auth_token", "refresh_token", "id_token", "token",
    "secret", "password", "passwd", "pwd", "credentials", "authorization",
    "x-api-key", NULL,
  };

  for (guint i = 0; suffixes[i] != NULL; i++)
    if (has_suffix_ci (p, len, suffixes[i]))
      return TRUE;

  return FALSE;
}

/* Whether the text of a Basic credential looks like base64 rather than the
 * English word after "basic": mixed case, digits or padding. */
static gboolean
looks_like_base64 (const char *p,
                   gsize       len)
{
  gboolean upper = FALSE, lower = FALSE, other = FALSE;

  if (len < MIN_SECRET)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (g_ascii_isupper (p[i]))
        upper = TRUE;
      else if (g_ascii_islower (p[i]))
        lower = TRUE;
      else
        other = TRUE;
    }

  return other || (upper && lower);
}

static gsize
span_value (const char *p)
{
  gsize n = 0;

  while (p[n] && is_value (p[n]))
    n++;

  return n;
}

char *
wf_redact (const char *text)
{
  GString *out;
  const char *p;

  if (text == NULL)
    return NULL;

  out = g_string_sized_new (strlen (text) + 16);
  p = text;

  while (*p)
    {
      const char *word = p;
      gsize len = 0;
      gssize keep;

      /* Words start at a boundary, so "desk-organiser" is one word. */
      if (!is_word (*p) || (p > text && is_word (p[-1])))
        {
          /* user:password@host in a URL: mask the password. */
          if (p[0] == ':' && p > text && p[1] != '/' && p[1] != '\0')
            {
              gsize n = 0;

              /* Bounded so that a run of colons stays linear. */
              while (n < 256 && p[1 + n] && !strchr ("@/ \t\r\n\"'<>", p[1 + n]))
                n++;
              if (p[1 + n] == '@' && n > 0)
                {
                  const char *scheme = p;

                  /* Only inside a URL: look back for "://" on this word. */
                  while (scheme > text && !g_ascii_isspace (scheme[-1]) &&
                         scheme[-1] != '"' && scheme[-1] != '\'' && p - scheme < 256)
                    scheme--;
                  if (g_strstr_len (scheme, p - scheme, "://") != NULL)
                    {
                      g_string_append_c (out, ':');
                      g_string_append (out, WF_REDACTED);
                      p += 1 + n;
                      continue;
                    }
                }
            }
          g_string_append_c (out, *p++);
          continue;
        }

      while (is_word (p[len]))
        len++;

      keep = key_prefix (word, len);
      if (keep >= 0)
        {
          g_string_append_len (out, word, keep);
          g_string_append (out, WF_REDACTED);
          p = word + len;
          /* Keys may end in base64 padding. */
          while (*p == '=')
            p++;
          continue;
        }

      if (looks_like_bare_key (word, len))
        {
          g_string_append (out, WF_REDACTED);
          p = word + len;
          continue;
        }

      /* "bearer bonds" and "basic economics" are prose: a credential has
       * digits, mixed case or punctuation. */
      if ((len == 6 && has_prefix_ci (word, len, "bearer")) ||
          (len == 5 && has_prefix_ci (word, len, "basic")))
        {
          const char *q = word + len;
          gsize spaces = 0;
          gsize n;

          while (q[spaces] == ' ' || q[spaces] == '\t')
            spaces++;
          n = spaces > 0 ? span_value (q + spaces) : 0;
          if (looks_like_base64 (q + spaces, n))
            {
              g_string_append_len (out, word, len + spaces);
              g_string_append (out, WF_REDACTED);
              p = q + spaces + n;
              continue;
            }
        }

      if (names_secret (word, len))
        {
          const char *q = word + len;
          gsize n = 0;

          /* "name": "value", name = value, name: value, name=value */
          while (q[n] == '"' || q[n] == '\'' || q[n] == ' ' || q[n] == '\t')
            n++;
          if (q[n] == '=' || q[n] == ':')
            {
              gsize value_start;
              gsize value_len;

              n++;
              while (q[n] == ' ' || q[n] == '\t' || q[n] == '"' || q[n] == '\'')
                n++;
              value_start = n;
              /* A value may be a Bearer/Basic credential: keep the scheme. */
              value_len = span_value (q + value_start);
              if ((value_len == 6 && has_prefix_ci (q + value_start, 6, "bearer")) ||
                  (value_len == 5 && has_prefix_ci (q + value_start, 5, "basic")))
                {
                  /* Handled when the scanner reaches that word. */
                  g_string_append_len (out, word, len);
                  p = word + len;
                  continue;
                }
              if (value_len >= 4)
                {
                  g_string_append_len (out, word, len + value_start);
                  g_string_append (out, WF_REDACTED);
                  p = q + value_start + value_len;
                  continue;
                }
            }
        }

      g_string_append_len (out, word, len);
      p = word + len;
    }

  return g_string_free (out, FALSE);
}

GLogWriterOutput
wf_redact_log_writer (GLogLevelFlags   log_level,
                      const GLogField *fields,
                      gsize            n_fields,
                      gpointer         user_data)
{
  g_autofree GLogField *copy = g_new (GLogField, n_fields);
  g_autofree char *redacted = NULL;

  memcpy (copy, fields, n_fields * sizeof (GLogField));
  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_strcmp0 (copy[i].key, "MESSAGE") != 0 || copy[i].value == NULL)
        continue;

      /* A length of -1 means NUL-terminated; anything else is raw bytes
       * and is copied to a string first. */
      if (copy[i].length < 0)
        redacted = wf_redact (copy[i].value);
      else
        {
          g_autofree char *text = g_strndup (copy[i].value, copy[i].length);
          redacted = wf_redact (text);
        }
      copy[i].value = redacted;
      copy[i].length = -1;
      break;
    }

  return g_log_writer_default (log_level, copy, n_fields, user_data);
}
