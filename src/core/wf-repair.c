/* wf-repair.c: structured repair of a model's raw answer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The shape of the work:
 *
 *   1. bound the size, refuse what is not UTF-8 text, drop the BOM and
 *      zero-width characters;
 *   2. a tolerant scanner of our own reads every JSON-looking object in the
 *      text ({ … }) and writes it out again as strict JSON, noting each fix
 *      it had to make (quotes, commas, comments, literals, truncation…);
 *   3. json-glib parses that strict text and the object is validated: keys in
 *      any case, extra keys dropped, lossless coercions only, the language
 *      normalised or inferred, the code checked for size and for bidi
 *      controls. The first object that validates wins;
 *   4. with no usable object, a bare code block (fenced, in a tag, or plain
 *      lines of code) is wrapped.
 *
 * Everything is one left-to-right pass per stage with bounded look-ahead; a
 * candidate that fails resumes the search where the scanner stopped, never
 * before, so the whole repair is linear in the size of the answer.
 */
#define G_LOG_DOMAIN "wf-repair"

#include "config.h"

#include "wf-repair.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

G_DEFINE_QUARK (wf-repair-error-quark, wf_repair_error)

/* Fixes, in the order they are reported. The ids are stable: the inspector
 * and telemetry count them. */
typedef enum
{
  FIX_STRIP_INVISIBLE,
  FIX_EXTRACTED,
  FIX_STRIP_FENCE,
  FIX_COMMENTS,
  FIX_TRAILING_COMMA,
  FIX_MISSING_COMMA,
  FIX_SINGLE_QUOTES,
  FIX_SMART_QUOTES,
  FIX_TRIPLE_QUOTES,
  FIX_INNER_QUOTES,
  FIX_UNQUOTED_KEYS,
  FIX_PYTHON_LITERALS,
  FIX_RAW_NEWLINES,
  FIX_BAD_ESCAPE,
  FIX_DOUBLE_ENCODED,
  FIX_CLOSED_TRUNCATED,
  FIX_MULTIPLE_OBJECTS,
  FIX_WRAPPED_BARE_CODE,
  FIX_INFERRED_LANGUAGE,
  FIX_LANGUAGE_ALIAS,
  FIX_JOINED_LINES,
  FIX_KEY_CASE,
  FIX_DROPPED_KEYS,
  FIX_COERCED_TYPE,
  FIX_MISSING_EXPLANATION,
  N_FIXES
} Fix;

static const char * const fix_ids[N_FIXES] = {
  "strip_invisible",
  "extracted_object",
  "strip_fence",
  "comments",
  "trailing_comma",
  "missing_comma",
  "single_quotes",
  "smart_quotes",
  "triple_quotes",
  "inner_quotes",
  "unquoted_keys",
  "python_literals",
  "raw_newlines",
  "bad_escape",
  "double_encoded",
  "closed_truncated",
  "multiple_objects",
  "wrapped_bare_code",
  "inferred_language",
  "language_alias",
  "joined_lines",
  "key_case",
  "dropped_keys",
  "coerced_type",
  "missing_explanation",
};

#define FIX_BIT(f) (G_GUINT64_CONSTANT (1) << (f))

#define MAX_DEPTH        64
#define MAX_CANDIDATES   64
#define MAX_NESTING      2     /* double-encoded answers, decoded at most twice */
#define RAW_SLACK        (64 * 1024)

/* ------------------------------------------------------------------------ */
/* Tolerant scanner: JSON-ish text → strict JSON                              */
/* ------------------------------------------------------------------------ */

typedef enum
{
  SCAN_OK,
  SCAN_TRUNCATED,  /* end of input reached; containers were closed */
  SCAN_FAILED,
} ScanStatus;

typedef enum
{
  MEMBER_OTHER,
  MEMBER_CODE,
  MEMBER_LANGUAGE,
} MemberKind;

typedef struct
{
  const char *s;
  gsize       len;
  gsize       pos;
  GString    *out;
  guint64    *steps;
  guint64     fixes;
  int         depth;
  MemberKind  member;          /* the root member whose value is being read */
  gboolean    code_truncated;  /* input ended inside the code */
} Scanner;

typedef enum
{
  QUOTE_DOUBLE,
  QUOTE_SINGLE,
  QUOTE_SMART_DOUBLE,
  QUOTE_SMART_SINGLE,
} QuoteKind;

/* UTF-8 of the typographic quotes models sometimes use as delimiters. */
#define LDQUO "\xe2\x80\x9c"
#define RDQUO "\xe2\x80\x9d"
#define LSQUO "\xe2\x80\x98"
#define RSQUO "\xe2\x80\x99"

static inline gboolean
at_bytes (const Scanner *sc,
          gsize          pos,
          const char    *bytes,
          gsize          n)
{
  return pos + n <= sc->len && memcmp (sc->s + pos, bytes, n) == 0;
}

static inline void
step (Scanner *sc,
      gsize    n)
{
  sc->pos += n;
  *sc->steps += n;
}

/* Length of the quote that opens a string at pos (0 if none). */
static gsize
string_opener (const Scanner *sc,
               gsize          pos,
               QuoteKind     *kind)
{
  if (pos >= sc->len)
    return 0;
  if (sc->s[pos] == '"')
    {
      *kind = QUOTE_DOUBLE;
      return 1;
    }
  if (sc->s[pos] == '\'')
    {
      *kind = QUOTE_SINGLE;
      return 1;
    }
  if (at_bytes (sc, pos, LDQUO, 3) || at_bytes (sc, pos, RDQUO, 3))
    {
      *kind = QUOTE_SMART_DOUBLE;
      return 3;
    }
  if (at_bytes (sc, pos, LSQUO, 3))
    {
      *kind = QUOTE_SMART_SINGLE;
      return 3;
    }
  return 0;
}

/* Length of a closing quote of this kind at pos (0 if none). */
static gsize
string_closer (const Scanner *sc,
               gsize          pos,
               QuoteKind      kind)
{
  switch (kind)
    {
    case QUOTE_DOUBLE:
      return sc->s[pos] == '"' ? 1 : 0;
    case QUOTE_SINGLE:
      return sc->s[pos] == '\'' ? 1 : 0;
    case QUOTE_SMART_DOUBLE:
      if (at_bytes (sc, pos, RDQUO, 3) || at_bytes (sc, pos, LDQUO, 3))
        return 3;
      return sc->s[pos] == '"' ? 1 : 0;
    case QUOTE_SMART_SINGLE:
      if (at_bytes (sc, pos, RSQUO, 3))
        return 3;
      return sc->s[pos] == '\'' ? 1 : 0;
    default:
      return 0;
    }
}

/* A quote really closes the string only if what follows could follow a
 * string in JSON: a separator, a newline (a missing comma between lines), a
 * comment or the end. Valid JSON always passes; in broken JSON this keeps
 * unescaped quotes inside the code ("print("hi")") as content. The look-ahead
 * only crosses spaces, so each byte is looked at a bounded number of times. */
static gboolean
closer_is_final (Scanner *sc,
                 gsize    pos)
{
  while (pos < sc->len)
    {
      char c = sc->s[pos];

      *sc->steps += 1;
      if (c == ' ' || c == '\t' || c == '\r')
        {
          pos++;
          continue;
        }
      return c == '\n' || c == ',' || c == '}' || c == ']' || c == ':' || c == '/' || c == '#';
    }
  return TRUE;
}

/* True for the bytes that JSON requires escaped inside a string. */
static inline gboolean
needs_escape (guchar c)
{
  return c == '"' || c == '\\' || c < 0x20;
}

/* One decoded byte into OUT, escaped for a JSON string when ESCAPE. */
static void
put_byte (GString *out,
          gboolean escape,
          guchar   c)
{
  if (!escape || !needs_escape (c))
    {
      g_string_append_c (out, (char) c);
      return;
    }
  switch (c)
    {
    case '"':
      g_string_append_len (out, "\\\"", 2);
      break;
    case '\\':
      g_string_append_len (out, "\\\\", 2);
      break;
    case '\n':
      g_string_append_len (out, "\\n", 2);
      break;
    case '\t':
      g_string_append_len (out, "\\t", 2);
      break;
    case '\r':
      g_string_append_len (out, "\\r", 2);
      break;
    default:
      g_string_append_printf (out, "\\u%04x", c);
      break;
    }
}

/* TEXT as a JSON string literal. Runs that need no escape are copied whole:
 * most of a program is such a run. */
static void
emit_escaped (GString    *out,
              const char *text,
              gsize       len)
{
  gsize i = 0;

  g_string_append_c (out, '"');
  while (i < len)
    {
      gsize run = i;

      while (run < len && !needs_escape ((guchar) text[run]))
        run++;
      g_string_append_len (out, text + i, (gssize) (run - i));
      if (run < len)
        put_byte (out, TRUE, (guchar) text[run++]);
      i = run;
    }
  g_string_append_c (out, '"');
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
read_hex4 (const Scanner *sc,
           gsize          pos,
           gunichar      *out)
{
  gunichar v = 0;

  if (pos + 4 > sc->len)
    return FALSE;
  for (int i = 0; i < 4; i++)
    {
      int h = hex_value (sc->s[pos + i]);
      if (h < 0)
        return FALSE;
      v = (v << 4) | (gunichar) h;
    }
  *out = v;
  return TRUE;
}

/* The one-character escapes of JSON, plus \' (single-quoted strings). */
static char
simple_escape (char e)
{
  switch (e)
    {
    case '"':
    case '\'':
    case '\\':
    case '/':
      return e;
    case 'b':
      return '\b';
    case 'f':
      return '\f';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    default:
      return '\0';
    }
}

/* Reads a string (the opening quote at sc->pos) into buf: as plain UTF-8,
 * or, with ESCAPE, already escaped as the body of a JSON string, so a value
 * goes straight to the output without a second buffer and a second pass. */
static ScanStatus
scan_string (Scanner *sc,
             GString *buf,
             gboolean escape)
{
  QuoteKind kind = QUOTE_DOUBLE;
  gsize open_len = string_opener (sc, sc->pos, &kind);
  gboolean triple = FALSE;

  g_assert (open_len > 0);

  if (kind == QUOTE_SINGLE)
    sc->fixes |= FIX_BIT (FIX_SINGLE_QUOTES);
  else if (kind == QUOTE_SMART_DOUBLE || kind == QUOTE_SMART_SINGLE)
    sc->fixes |= FIX_BIT (FIX_SMART_QUOTES);

  /* Python's """…""" / '''…''' end at the next triple quote, nothing else. */
  if (open_len == 1 && sc->pos + 2 < sc->len &&
      sc->s[sc->pos + 1] == sc->s[sc->pos] && sc->s[sc->pos + 2] == sc->s[sc->pos])
    {
      triple = TRUE;
      sc->fixes |= FIX_BIT (FIX_TRIPLE_QUOTES);
      step (sc, 3);
    }
  else
    step (sc, open_len);

  while (sc->pos < sc->len)
    {
      char c;
      gsize close_len;
      gsize run = sc->pos;

      /* The common case first: a run of bytes that are neither a quote, a
       * backslash, a control character nor the lead byte of a typographic
       * quote is copied as it is, in one go. */
      while (run < sc->len)
        {
          guchar b = (guchar) sc->s[run];

          if (b == '"' || b == '\'' || b == '\\' || b < 0x20 || b == 0xe2)
            break;
          run++;
        }
      if (run > sc->pos)
        {
          g_string_append_len (buf, sc->s + sc->pos, (gssize) (run - sc->pos));
          step (sc, run - sc->pos);
          continue;
        }

      c = sc->s[sc->pos];
      if (triple)
        {
          if (at_bytes (sc, sc->pos, kind == QUOTE_SINGLE ? "'''" : "\"\"\"", 3))
            {
              step (sc, 3);
              return SCAN_OK;
            }
        }
      else if ((close_len = string_closer (sc, sc->pos, kind)) > 0)
        {
          if (closer_is_final (sc, sc->pos + close_len))
            {
              /* A quote then the end of input: cut off right there or
               * inside the string, no way to tell. Never guess for code. */
              if (sc->pos + close_len >= sc->len && sc->member == MEMBER_CODE && sc->depth > 0)
                sc->code_truncated = TRUE;
              step (sc, close_len);
              return SCAN_OK;
            }
          sc->fixes |= FIX_BIT (FIX_INNER_QUOTES);
          for (gsize k = 0; k < close_len; k++)
            put_byte (buf, escape, (guchar) sc->s[sc->pos + k]);
          step (sc, close_len);
          continue;
        }

      if (c == '\\')
        {
          char e, plain;
          gunichar u, lo;

          if (sc->pos + 1 >= sc->len)
            {
              step (sc, 1);
              break;
            }
          e = sc->s[sc->pos + 1];
          plain = simple_escape (e);
          if (plain != '\0')
            {
              put_byte (buf, escape, (guchar) plain);
              step (sc, 2);
              continue;
            }
          switch (e)
            {
            case 'u':
              if (!read_hex4 (sc, sc->pos + 2, &u))
                {
                  /* Not an escape after all: keep the text as written. */
                  sc->fixes |= FIX_BIT (FIX_BAD_ESCAPE);
                  put_byte (buf, escape, '\\');
                  step (sc, 1);
                  break;
                }
              step (sc, 6);
              if (u >= 0xD800 && u <= 0xDBFF)
                {
                  if (at_bytes (sc, sc->pos, "\\u", 2) && read_hex4 (sc, sc->pos + 2, &lo) &&
                      lo >= 0xDC00 && lo <= 0xDFFF)
                    {
                      u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                      step (sc, 6);
                    }
                  else
                    u = 0xFFFD;
                }
              else if (u >= 0xDC00 && u <= 0xDFFF)
                u = 0xFFFD;
              if (u == 0)
                u = 0xFFFD;
              if (u < 0x80)
                put_byte (buf, escape, (guchar) u);
              else
                g_string_append_unichar (buf, u);
              break;
            default:
              /* "\d" in a regex written by someone who forgot JSON doubles
               * backslashes: keep it literally, as they meant. */
              sc->fixes |= FIX_BIT (FIX_BAD_ESCAPE);
              put_byte (buf, escape, '\\');
              step (sc, 1);
              break;
            }
          continue;
        }

      if ((guchar) c < 0x20 && !triple)
        sc->fixes |= FIX_BIT (FIX_RAW_NEWLINES);
      put_byte (buf, escape, (guchar) c);
      step (sc, 1);
    }

  /* The input ended inside this string. */
  if (sc->member == MEMBER_CODE)
    sc->code_truncated = TRUE;
  return SCAN_TRUNCATED;
}

static void
skip_blank (Scanner *sc)
{
  while (sc->pos < sc->len)
    {
      char c = sc->s[sc->pos];

      if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        step (sc, 1);
      else if (c == '#' || at_bytes (sc, sc->pos, "//", 2))
        {
          sc->fixes |= FIX_BIT (FIX_COMMENTS);
          while (sc->pos < sc->len && sc->s[sc->pos] != '\n')
            step (sc, 1);
        }
      else if (at_bytes (sc, sc->pos, "/*", 2))
        {
          sc->fixes |= FIX_BIT (FIX_COMMENTS);
          step (sc, 2);
          while (sc->pos < sc->len && !at_bytes (sc, sc->pos, "*/", 2))
            step (sc, 1);
          if (sc->pos < sc->len)
            step (sc, 2);
        }
      else
        break;
    }
}

static gboolean
is_ident_start (char c)
{
  return g_ascii_isalpha (c) || c == '_' || c == '$';
}

static gboolean
is_ident_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '$' || c == '-';
}

static ScanStatus scan_value (Scanner *sc);

static ScanStatus
scan_number (Scanner *sc)
{
  gsize start = sc->pos;
  gsize i = sc->pos;
  gboolean ok;

  if (i < sc->len && sc->s[i] == '-')
    i++;
  /* Strict JSON grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
  if (i < sc->len && sc->s[i] == '0')
    i++;
  else if (i < sc->len && sc->s[i] >= '1' && sc->s[i] <= '9')
    while (i < sc->len && g_ascii_isdigit (sc->s[i]))
      i++;
  else
    goto fail;
  if (i < sc->len && sc->s[i] == '.')
    {
      i++;
      if (i >= sc->len || !g_ascii_isdigit (sc->s[i]))
        goto fail;
      while (i < sc->len && g_ascii_isdigit (sc->s[i]))
        i++;
    }
  if (i < sc->len && (sc->s[i] == 'e' || sc->s[i] == 'E'))
    {
      i++;
      if (i < sc->len && (sc->s[i] == '+' || sc->s[i] == '-'))
        i++;
      if (i >= sc->len || !g_ascii_isdigit (sc->s[i]))
        goto fail;
      while (i < sc->len && g_ascii_isdigit (sc->s[i]))
        i++;
    }
  ok = i >= sc->len || !is_ident_char (sc->s[i]);
  if (!ok)
    goto fail;
  g_string_append_len (sc->out, sc->s + start, i - start);
  step (sc, i - start);
  return SCAN_OK;

fail:
  step (sc, i > start ? i - start : 1);
  return SCAN_FAILED;
}

static ScanStatus
scan_word (Scanner *sc)
{
  gsize start = sc->pos;
  gsize n;
  const char *w = sc->s + start;

  while (sc->pos < sc->len && is_ident_char (sc->s[sc->pos]))
    step (sc, 1);
  n = sc->pos - start;

#define WORD_IS(lit) (n == strlen (lit) && memcmp (w, lit, n) == 0)
  if (WORD_IS ("true") || WORD_IS ("false") || WORD_IS ("null"))
    g_string_append_len (sc->out, w, n);
  else if (WORD_IS ("True"))
    {
      g_string_append (sc->out, "true");
      sc->fixes |= FIX_BIT (FIX_PYTHON_LITERALS);
    }
  else if (WORD_IS ("False"))
    {
      g_string_append (sc->out, "false");
      sc->fixes |= FIX_BIT (FIX_PYTHON_LITERALS);
    }
  else if (WORD_IS ("None"))
    {
      g_string_append (sc->out, "null");
      sc->fixes |= FIX_BIT (FIX_PYTHON_LITERALS);
    }
  else if (sc->pos >= sc->len && n > 0 &&
           (strncmp ("true", w, MIN (n, 4)) == 0 || strncmp ("false", w, MIN (n, 5)) == 0 ||
            strncmp ("null", w, MIN (n, 4)) == 0))
    {
      /* Cut off in the middle of a literal. */
      g_string_append (sc->out, "null");
      return SCAN_TRUNCATED;
    }
  else
    return SCAN_FAILED;
#undef WORD_IS

  return SCAN_OK;
}

static ScanStatus
scan_container (Scanner *sc,
                gboolean is_object)
{
  gboolean first = TRUE;
  gboolean comma = FALSE;
  MemberKind saved_member = sc->member;
  g_autoptr(GString) key = NULL;

  if (++sc->depth > MAX_DEPTH)
    return SCAN_FAILED;

  g_string_append_c (sc->out, is_object ? '{' : '[');
  step (sc, 1);
  if (is_object)
    key = g_string_new (NULL);

  for (;;)
    {
      ScanStatus status;
      QuoteKind kind;
      char c;

      skip_blank (sc);
      if (sc->pos >= sc->len)
        {
          /* Cut off inside the code's list of lines: more may have followed. */
          if (sc->member == MEMBER_CODE)
            sc->code_truncated = TRUE;
          g_string_append_c (sc->out, is_object ? '}' : ']');
          sc->depth--;
          return SCAN_TRUNCATED;
        }

      c = sc->s[sc->pos];
      if (c == (is_object ? '}' : ']'))
        {
          if (comma)
            sc->fixes |= FIX_BIT (FIX_TRAILING_COMMA);
          g_string_append_c (sc->out, c);
          step (sc, 1);
          sc->depth--;
          return SCAN_OK;
        }
      if (c == ',')
        {
          /* A comma with nothing before it, or a doubled one. */
          if (first || comma)
            sc->fixes |= FIX_BIT (FIX_TRAILING_COMMA);
          comma = TRUE;
          step (sc, 1);
          continue;
        }
      if (!first && !comma)
        {
          /* Two members with no comma between them: only when the next one
           * starts like one, else this is not JSON. */
          if (string_opener (sc, sc->pos, &kind) == 0 &&
              !(is_object && is_ident_start (c)) &&
              !(!is_object && (c == '{' || c == '[' || c == '-' || g_ascii_isdigit (c))))
            {
              sc->depth--;
              return SCAN_FAILED;
            }
          sc->fixes |= FIX_BIT (FIX_MISSING_COMMA);
        }
      if (!first)
        g_string_append_c (sc->out, ',');
      first = FALSE;
      comma = FALSE;

      if (is_object)
        {
          g_string_truncate (key, 0);
          if (string_opener (sc, sc->pos, &kind) > 0)
            {
              if (scan_string (sc, key, FALSE) != SCAN_OK)
                {
                  /* Cut off inside a key: drop the half member. */
                  if (sc->out->str[sc->out->len - 1] == ',')
                    g_string_truncate (sc->out, sc->out->len - 1);
                  g_string_append_c (sc->out, '}');
                  sc->depth--;
                  return SCAN_TRUNCATED;
                }
            }
          else if (is_ident_start (c))
            {
              sc->fixes |= FIX_BIT (FIX_UNQUOTED_KEYS);
              while (sc->pos < sc->len && is_ident_char (sc->s[sc->pos]))
                {
                  g_string_append_c (key, sc->s[sc->pos]);
                  step (sc, 1);
                }
            }
          else
            {
              sc->depth--;
              return SCAN_FAILED;
            }
          emit_escaped (sc->out, key->str, key->len);

          skip_blank (sc);
          if (sc->pos >= sc->len)
            {
              g_string_append (sc->out, ":null}");
              sc->depth--;
              return SCAN_TRUNCATED;
            }
          if (sc->s[sc->pos] != ':')
            {
              sc->depth--;
              return SCAN_FAILED;
            }
          step (sc, 1);
          g_string_append_c (sc->out, ':');

          if (sc->depth == 1)
            {
              if (g_ascii_strcasecmp (key->str, "code") == 0)
                sc->member = MEMBER_CODE;
              else if (g_ascii_strcasecmp (key->str, "language") == 0 ||
                       g_ascii_strcasecmp (key->str, "lang") == 0)
                sc->member = MEMBER_LANGUAGE;
              else
                sc->member = MEMBER_OTHER;
            }
        }

      status = scan_value (sc);
      if (sc->depth == 1)
        sc->member = saved_member;
      if (status == SCAN_FAILED)
        {
          sc->depth--;
          return SCAN_FAILED;
        }
      if (status == SCAN_TRUNCATED)
        {
          g_string_append_c (sc->out, is_object ? '}' : ']');
          sc->depth--;
          return SCAN_TRUNCATED;
        }
    }
}

static ScanStatus
scan_value (Scanner *sc)
{
  QuoteKind kind;
  char c;

  skip_blank (sc);
  if (sc->pos >= sc->len)
    {
      g_string_append (sc->out, "null");
      return SCAN_TRUNCATED;
    }

  c = sc->s[sc->pos];
  if (c == '{')
    return scan_container (sc, TRUE);
  if (c == '[')
    return scan_container (sc, FALSE);
  if (string_opener (sc, sc->pos, &kind) > 0)
    {
      gsize mark = sc->out->len;
      ScanStatus status;

      g_string_append_c (sc->out, '"');
      status = scan_string (sc, sc->out, TRUE);
      /* A language cut in half ("pyth") says nothing: infer it instead. */
      if (status == SCAN_TRUNCATED && sc->member == MEMBER_LANGUAGE)
        {
          g_string_truncate (sc->out, mark);
          g_string_append (sc->out, "null");
        }
      else
        g_string_append_c (sc->out, '"');
      return status;
    }
  if (c == '-' || g_ascii_isdigit (c))
    return scan_number (sc);
  if (is_ident_start (c))
    return scan_word (sc);

  step (sc, 1);
  return SCAN_FAILED;
}

/* ------------------------------------------------------------------------ */
/* Languages                                                                  */
/* ------------------------------------------------------------------------ */

const char *
wf_repair_normalize_language (const char *label)
{
  char norm[32];
  gsize n = 0;

  if (label == NULL)
    return NULL;

  /* Keep letters only: "Python 3.11", "python3", "py3" → "python", "py". */
  for (const char *p = label; *p != '\0'; p++)
    {
      if (g_ascii_isalpha (*p))
        {
          if (n + 1 >= sizeof norm)
            return NULL;
          norm[n++] = g_ascii_tolower (*p);
        }
      else if (!(g_ascii_isdigit (*p) || *p == ' ' || *p == '.' || *p == '-' || *p == '_'))
        return NULL;
    }
  norm[n] = '\0';

  if (g_str_equal (norm, "python") || g_str_equal (norm, "py") ||
      g_str_equal (norm, "cpython") || g_str_equal (norm, "pandas"))
    return "python";
  if (g_str_equal (norm, "sql") || g_str_equal (norm, "sqlite") ||
      g_str_equal (norm, "sqlitesql") || g_str_equal (norm, "ansisql"))
    return "sql";
  return NULL;
}

static gboolean
word_at (const char *p,
         const char *word)
{
  gsize n = strlen (word);

  return g_ascii_strncasecmp (p, word, n) == 0 && !is_ident_char (p[n]);
}

const char *
wf_repair_infer_language (const char *code)
{
  const char *p = code;

  g_return_val_if_fail (code != NULL, "python");

  /* SQL when the first word is a statement keyword; SQL comments and
   * parentheses may come first. Anything else is taken for Python, which is
   * what the firewall will then check it as. */
  for (;;)
    {
      while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '(')
        p++;
      if (p[0] == '-' && p[1] == '-')
        {
          while (*p != '\0' && *p != '\n')
            p++;
          continue;
        }
      break;
    }
  if (word_at (p, "select") || word_at (p, "with") || word_at (p, "values") ||
      word_at (p, "explain"))
    return "sql";
  return "python";
}

/* ------------------------------------------------------------------------ */
/* Validation of one parsed object                                            */
/* ------------------------------------------------------------------------ */

typedef enum
{
  CHECK_VALID,
  CHECK_NOT_CANDIDATE,  /* not an answer object at all */
  CHECK_DECISIVE,       /* an answer object, rejected for a reason worth telling */
} CheckStatus;

static gboolean
is_bidi_control (gunichar u)
{
  return (u >= 0x202A && u <= 0x202E) || (u >= 0x2066 && u <= 0x2069) ||
         u == 0x200E || u == 0x200F || u == 0x061C;
}

/* One pass over the NUL-terminated valid UTF-8 TEXT: its length, whether
 * it is all blank, and its first bidi control (0 if none). Only the lead
 * bytes of the controls' encodings (D8 for U+061C, E2 for the rest) are
 * decoded; ordinary text is passed over a byte at a time. */
static gunichar
scan_code (const char *text,
           gsize      *len,
           gboolean   *blank)
{
  const char *p = text;
  gunichar found = 0;

  *blank = TRUE;
  for (; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
        continue;
      *blank = FALSE;
      if ((c == 0xd8 || c == 0xe2) && found == 0 && is_bidi_control (g_utf8_get_char (p)))
        found = g_utf8_get_char (p);
    }
  *len = (gsize) (p - text);
  return found;
}

/* Strips a markdown fence wrapped around the code inside the JSON string.
 * Returns the fence's language tag (owned) if it had one. */
static char *
strip_inner_fence (char   **code,
                   guint64 *fixes)
{
  const char *s = *code;
  const char *start, *nl, *end;
  g_autofree char *tag = NULL;
  char *inner;

  while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
    s++;
  if (strncmp (s, "```", 3) != 0)
    return NULL;
  nl = strchr (s, '\n');
  if (nl == NULL)
    return NULL;
  tag = g_strstrip (g_strndup (s + 3, nl - (s + 3)));
  start = nl + 1;
  end = *code + strlen (*code);
  while (end > start && (end[-1] == ' ' || end[-1] == '\n' || end[-1] == '\r' || end[-1] == '\t'))
    end--;
  if (end - start >= 3 && strncmp (end - 3, "```", 3) == 0)
    end -= 3;
  inner = g_strndup (start, end - start);
  g_free (*code);
  *code = inner;
  *fixes |= FIX_BIT (FIX_STRIP_FENCE);
  return tag[0] ? g_steal_pointer (&tag) : NULL;
}

static char *
join_lines (JsonArray *array,
            gboolean  *ok)
{
  g_autoptr(GString) s = g_string_new (NULL);
  guint n = json_array_get_length (array);

  *ok = TRUE;
  for (guint i = 0; i < n; i++)
    {
      JsonNode *e = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_STRING)
        {
          *ok = FALSE;
          return NULL;
        }
      if (i > 0)
        g_string_append_c (s, '\n');
      g_string_append (s, json_node_get_string (e));
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static CheckStatus
check_object (JsonObject      *object,
              gsize            max_code_size,
              guint64         *fixes,
              WfRepairResult **out,
              GError         **error)
{
  g_autoptr(GList) members = json_object_get_members (object);
  JsonNode *code_node = NULL, *expl_node = NULL, *lang_node = NULL;
  g_autofree char *code = NULL;
  g_autofree char *explanation = NULL;
  g_autofree char *fence_tag = NULL;
  const char *language = NULL;
  guint known = 0;
  gboolean ok;
  gsize code_len;
  gunichar bidi;
  gboolean blank;

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode **slot = NULL;
      const char *canonical = NULL;

      if (g_ascii_strcasecmp (name, "code") == 0)
        {
          slot = &code_node;
          canonical = "code";
        }
      else if (g_ascii_strcasecmp (name, "explanation") == 0)
        {
          slot = &expl_node;
          canonical = "explanation";
        }
      else if (g_ascii_strcasecmp (name, "language") == 0 || g_ascii_strcasecmp (name, "lang") == 0)
        {
          slot = &lang_node;
          canonical = "language";
        }

      if (slot == NULL || *slot != NULL)
        {
          *fixes |= FIX_BIT (FIX_DROPPED_KEYS);
          continue;
        }
      if (!g_str_equal (name, canonical))
        *fixes |= FIX_BIT (FIX_KEY_CASE);
      *slot = json_object_get_member (object, name);
      known++;
    }

  if (code_node == NULL || JSON_NODE_HOLDS_NULL (code_node))
    return CHECK_NOT_CANDIDATE;

  /* From here on it is an answer object. A lone "code" member in some other
   * JSON (a dict inside bare Python, say) is not decisive. */
#define REJECT(code_, ...)                                               \
  G_STMT_START {                                                         \
    g_set_error (error, WF_REPAIR_ERROR, code_, __VA_ARGS__);            \
    return known >= 2 ? CHECK_DECISIVE : CHECK_NOT_CANDIDATE;            \
  } G_STMT_END

  if (JSON_NODE_HOLDS_VALUE (code_node) && json_node_get_value_type (code_node) == G_TYPE_STRING)
    code = g_strdup (json_node_get_string (code_node));
  else if (JSON_NODE_HOLDS_ARRAY (code_node))
    {
      code = join_lines (json_node_get_array (code_node), &ok);
      if (!ok)
        REJECT (WF_REPAIR_ERROR_WRONG_TYPE,
                _("The code was given as a list that holds something other than lines of text."));
      *fixes |= FIX_BIT (FIX_JOINED_LINES);
    }
  else
    REJECT (WF_REPAIR_ERROR_WRONG_TYPE,
            _("The code was given as a %s instead of text."),
            JSON_NODE_HOLDS_OBJECT (code_node) ? _("object") : _("number or true/false value"));

  fence_tag = strip_inner_fence (&code, fixes);
  bidi = scan_code (code, &code_len, &blank);
  if (blank)
    return CHECK_NOT_CANDIDATE;

  /* Too large is decisive even for a lone "code" member: falling back to
   * other readings of the same text could only find a part of it. */
  if (code_len > max_code_size)
    {
      g_set_error (error, WF_REPAIR_ERROR, WF_REPAIR_ERROR_TOO_LARGE,
                   _("The code is %zu KB long, over the limit of %zu KB."),
                   code_len / 1024, max_code_size / 1024);
      return CHECK_DECISIVE;
    }

  if (bidi != 0)
    {
      g_set_error (error, WF_REPAIR_ERROR, WF_REPAIR_ERROR_BIDI_CONTROL,
                   _("The code contains invisible Unicode direction controls (U+%04X), which "
                     "can make code read differently from how it runs. It was not accepted."),
                   bidi);
      return CHECK_DECISIVE;
    }

  if (expl_node == NULL || JSON_NODE_HOLDS_NULL (expl_node))
    {
      explanation = g_strdup ("");
      *fixes |= FIX_BIT (FIX_MISSING_EXPLANATION);
    }
  else if (JSON_NODE_HOLDS_VALUE (expl_node) && json_node_get_value_type (expl_node) == G_TYPE_STRING)
    explanation = g_strdup (json_node_get_string (expl_node));
  else if (JSON_NODE_HOLDS_ARRAY (expl_node))
    {
      explanation = join_lines (json_node_get_array (expl_node), &ok);
      if (!ok)
        REJECT (WF_REPAIR_ERROR_WRONG_TYPE,
                _("The explanation was given as a list that holds something other than text."));
      *fixes |= FIX_BIT (FIX_JOINED_LINES);
    }
  else if (JSON_NODE_HOLDS_VALUE (expl_node) && json_node_get_value_type (expl_node) == G_TYPE_INT64)
    {
      /* A number prints back to the same digits: lossless. */
      explanation = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (expl_node));
      *fixes |= FIX_BIT (FIX_COERCED_TYPE);
    }
  else
    REJECT (WF_REPAIR_ERROR_WRONG_TYPE,
            _("The explanation was given as an object or a number instead of text."));

  if (lang_node != NULL && JSON_NODE_HOLDS_VALUE (lang_node) &&
      json_node_get_value_type (lang_node) == G_TYPE_STRING &&
      json_node_get_string (lang_node)[strspn (json_node_get_string (lang_node), " ")] != '\0')
    {
      const char *label = json_node_get_string (lang_node);

      language = wf_repair_normalize_language (label);
      if (language == NULL)
        {
          g_autofree char *shown = g_utf8_make_valid (label, MIN (strlen (label), 40));

          REJECT (WF_REPAIR_ERROR_UNSUPPORTED_LANGUAGE,
                  _("The language “%s” is not supported: only Python and SQL can run."), shown);
        }
      if (!g_str_equal (language, label))
        *fixes |= FIX_BIT (FIX_LANGUAGE_ALIAS);
    }
  else if (lang_node != NULL && !JSON_NODE_HOLDS_NULL (lang_node) &&
           !(JSON_NODE_HOLDS_VALUE (lang_node) && json_node_get_value_type (lang_node) == G_TYPE_STRING))
    REJECT (WF_REPAIR_ERROR_WRONG_TYPE, _("The language was not given as text."));
  else
    {
      language = fence_tag ? wf_repair_normalize_language (fence_tag) : NULL;
      if (language == NULL)
        language = wf_repair_infer_language (code);
      *fixes |= FIX_BIT (FIX_INFERRED_LANGUAGE);
    }
#undef REJECT

  *out = g_new0 (WfRepairResult, 1);
  (*out)->code = g_steal_pointer (&code);
  (*out)->explanation = g_steal_pointer (&explanation);
  (*out)->language = g_strdup (language);
  return CHECK_VALID;
}

/* ------------------------------------------------------------------------ */
/* Bare code (no JSON at all)                                                 */
/* ------------------------------------------------------------------------ */

typedef struct
{
  gsize start, end;       /* code bytes */
  gsize block_start, block_end;  /* including the fence or tags */
  char *tag;
  gboolean closed;
} Block;

static gboolean
line_is_fence (const char *s,
               gsize       pos,
               gsize       len)
{
  while (pos < len && (s[pos] == ' ' || s[pos] == '\t'))
    pos++;
  return pos + 3 <= len && memcmp (s + pos, "```", 3) == 0;
}

/* Fences that hold data or prose, never a program to run. */
static gboolean
fence_is_not_code (const char *tag)
{
  static const char * const tags[] = {
    "json", "text", "txt", "plaintext", "markdown", "md", "output", "console", "csv",
  };

  for (guint i = 0; i < G_N_ELEMENTS (tags); i++)
    if (g_ascii_strcasecmp (tag, tags[i]) == 0)
      return TRUE;
  return FALSE;
}

/* The first fenced block that may hold code. */
static gboolean
find_fenced_block (const char *s,
                   gsize       len,
                   guint64    *steps,
                   Block      *block)
{
  gsize pos = 0;

  while (pos < len)
    {
      gsize eol = pos;

      while (eol < len && s[eol] != '\n')
        eol++;
      *steps += eol - pos + 1;

      if (line_is_fence (s, pos, len))
        {
          const char *tick = memchr (s + pos, '`', eol - pos);
          gsize tag_start = (tick - s) + 3;
          g_autofree char *tag = g_strstrip (g_strndup (s + tag_start, eol - tag_start));
          gsize body = eol < len ? eol + 1 : len;
          gsize p = body;

          /* find the closing fence */
          while (p < len)
            {
              gsize e = p;

              while (e < len && s[e] != '\n')
                e++;
              *steps += e - p + 1;
              if (line_is_fence (s, p, len))
                break;
              p = e < len ? e + 1 : len;
            }

          if (!fence_is_not_code (tag))
            {
              gsize e = p;

              block->start = body;
              block->end = p;
              block->block_start = pos;
              block->closed = p < len;
              while (e < len && s[e] != '\n')
                e++;
              block->block_end = e;
              block->tag = g_steal_pointer (&tag);
              return TRUE;
            }
          /* skip past the closing fence of the json block */
          while (p < len && s[p] != '\n')
            p++;
          pos = p < len ? p + 1 : len;
          continue;
        }
      pos = eol < len ? eol + 1 : len;
    }
  return FALSE;
}

static gboolean
find_tagged_block (const char *s,
                   gsize       len,
                   guint64    *steps,
                   Block      *block)
{
  static const char * const tags[] = { "code", "python", "sql" };

  for (guint i = 0; i < G_N_ELEMENTS (tags); i++)
    {
      g_autofree char *open = g_strdup_printf ("<%s>", tags[i]);
      g_autofree char *close = g_strdup_printf ("</%s>", tags[i]);
      const char *o = g_strstr_len (s, len, open);
      const char *c;

      *steps += len;
      if (o == NULL)
        continue;
      c = g_strstr_len (o, len - (o - s), close);
      block->block_start = o - s;
      block->start = (o - s) + strlen (open);
      block->end = c ? (gsize) (c - s) : len;
      block->block_end = c ? (gsize) (c - s) + strlen (close) : len;
      block->closed = c != NULL;
      block->tag = g_strdup (tags[i]);
      return TRUE;
    }
  return FALSE;
}

static gboolean
line_starts_with_word (const char *line,
                       gsize       n,
                       const char *word)
{
  gsize w = strlen (word);

  return n >= w && memcmp (line, word, w) == 0 && (n == w || !is_ident_char (line[w]) || word[w - 1] == '(');
}

/* 2: strong sign of Python, 1: looks like a line of code, 0: prose. */
static int
python_line_score (const char *line,
                   gsize       n)
{
  static const char * const strong[] = {
    "import", "from", "def", "class", "print(", "return", "for", "while", "if", "elif",
    "try:", "except", "with", "wf.", "lambda",
  };
  gsize i = 0;

  /* Trim the line end; a sentence ending is prose ("Profit = revenue minus
   * costs."), a line of Python almost never ends that way. */
  while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' '))
    n--;
  if (n > 0 && (line[n - 1] == '.' || line[n - 1] == '!' || line[n - 1] == '?'))
    return 0;
  if (n > 0 && (line[0] == ' ' || line[0] == '\t'))
    return 1;
  if (n > 0 && (line[0] == '#' || line[0] == '@' || line[0] == ')' || line[0] == ']' || line[0] == '}'))
    return 1;
  if (n >= 5 && memcmp (line, "else:", 5) == 0)
    return 1;
  for (guint k = 0; k < G_N_ELEMENTS (strong); k++)
    if (line_starts_with_word (line, n, strong[k]))
      return 2;

  /* name = …, name.attr(…), name(…), name[…] = … */
  while (i < n && (is_ident_char (line[i]) || line[i] == '.' || line[i] == ','))
    i++;
  if (i == 0 || !is_ident_start (line[0]))
    return 0;
  while (i < n && line[i] == ' ')
    i++;
  if (i < n && line[i] == '[')
    return 1;
  if (i + 1 < n && line[i] == '=' && line[i + 1] != '=')
    return 2;
  if (i + 1 < n && strchr ("+-*/", line[i]) && line[i + 1] == '=')
    return 2;
  if (i < n && line[i] == '(' && line[n - 1] == ')')
    return 1;
  if (i < n && line[i] == '(' && (line[n - 1] == ',' || line[n - 1] == '('))
    return 1;
  return 0;
}

static gboolean looks_complete (const char *s,
                                gsize       len,
                                guint64    *steps);

/* Plain lines of code with prose around them: the code is the run of
 * code-looking lines (blank and indented lines in between allowed). */
static gboolean
find_plain_code (const char *s,
                 gsize       len,
                 guint64    *steps,
                 Block      *block)
{
  gsize pos = 0;
  gsize first = G_MAXSIZE, last_end = 0;
  gboolean strong = FALSE;

  while (pos < len)
    {
      gsize eol = pos;
      int score;

      while (eol < len && s[eol] != '\n')
        eol++;
      *steps += eol - pos + 1;

      if (eol == pos || (eol == pos + 1 && s[pos] == '\r'))
        {
          pos = eol + 1;
          continue;
        }

      if (first == G_MAXSIZE && (word_at (s + pos, "select") || word_at (s + pos, "with")))
        {
          /* SQL: from the keyword to the first ';', blank line or the end
           * of the text (prose after it is the explanation). */
          gsize e = pos;

          while (e < len && s[e] != ';' &&
                 !(s[e] == '\n' && e + 1 < len && (s[e + 1] == '\n' ||
                                                    (s[e + 1] == '\r' && e + 2 < len && s[e + 2] == '\n'))))
            e++;
          *steps += e - pos;
          first = pos;
          last_end = e < len && s[e] == ';' ? e + 1 : e;
          strong = TRUE;
          break;
        }

      score = python_line_score (s + pos, eol - pos);
      if (score > 0)
        {
          if (first == G_MAXSIZE)
            first = pos;
          last_end = eol;
          if (score == 2)
            strong = TRUE;
        }
      else if (first != G_MAXSIZE)
        break;  /* prose after the code ends it */
      pos = eol + 1;
    }

  if (first == G_MAXSIZE || !strong)
    return FALSE;

  block->block_start = block->start = first;
  block->block_end = block->end = last_end;
  block->closed = looks_complete (s + first, last_end - first, steps);
  block->tag = g_strdup ("");  /* inferred from the code itself */
  return TRUE;
}

/* Unfenced code has no end marker; an answer cut off in it usually leaves a
 * bracket or a string open. Rough (no f-string nesting), but only used to
 * refuse, never to accept. */
static gboolean
looks_complete (const char *s,
                gsize       len,
                guint64    *steps)
{
  int depth = 0;
  char quote = 0;

  *steps += len;
  for (gsize i = 0; i < len; i++)
    {
      char c = s[i];

      if (quote)
        {
          if (c == '\\' && i + 1 < len)
            i++;
          else if (c == quote || c == '\n')
            quote = 0;
          continue;
        }
      if (c == '#' || (c == '-' && i + 1 < len && s[i + 1] == '-'))
        {
          while (i < len && s[i] != '\n')
            i++;
          continue;
        }
      if (c == '"' || c == '\'')
        quote = c;
      else if (c == '(' || c == '[' || c == '{')
        depth++;
      else if (c == ')' || c == ']' || c == '}')
        depth--;
    }
  return depth == 0 && quote == 0;
}

static char *
prose_around (const char *s,
              gsize       len,
              const Block *block)
{
  g_autofree char *before = g_strstrip (g_strndup (s, block->block_start));
  g_autofree char *after = g_strstrip (g_strndup (s + block->block_end, len - block->block_end));

  if (before[0] && after[0])
    return g_strconcat (before, "\n\n", after, NULL);
  return g_strdup (before[0] ? before : after);
}

/* ------------------------------------------------------------------------ */
/* Driver                                                                     */
/* ------------------------------------------------------------------------ */

typedef struct
{
  gsize    max_code_size;
  guint64 *steps;
  GString *out;        /* the scanner's output, reused by every candidate */
  guint    candidates;
  GError  *decisive;   /* the first decisive rejection, if nothing validates */
} Context;

static WfRepairResult *repair_text (Context    *ctx,
                                    const char *s,
                                    gsize       len,
                                    int         nesting,
                                    guint64    *fixes);

static WfRepairResult *
try_parsed (Context    *ctx,
            JsonNode   *root,
            int         nesting,
            guint64    *fixes)
{
  WfRepairResult *result = NULL;
  g_autoptr(GError) error = NULL;

  if (JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *object = json_node_get_object (root);
      CheckStatus status = check_object (object, ctx->max_code_size, fixes, &result, &error);

      if (status == CHECK_VALID)
        return result;
      if (status == CHECK_DECISIVE)
        {
          if (ctx->decisive == NULL)
            ctx->decisive = g_steal_pointer (&error);
          return NULL;
        }

      /* {"response": "{\"code\": …}"}: an answer wrapped in a string. */
      if (nesting < MAX_NESTING && json_object_get_size (object) == 1)
        {
          g_autoptr(GList) values = json_object_get_values (object);
          JsonNode *only = values->data;

          if (JSON_NODE_HOLDS_VALUE (only) && json_node_get_value_type (only) == G_TYPE_STRING)
            {
              const char *inner = json_node_get_string (only);

              if (strchr (inner, '{') != NULL)
                {
                  result = repair_text (ctx, inner, strlen (inner), nesting + 1, fixes);
                  if (result != NULL)
                    *fixes |= FIX_BIT (FIX_DOUBLE_ENCODED);
                  return result;
                }
            }
        }
    }
  else if (JSON_NODE_HOLDS_VALUE (root) && json_node_get_value_type (root) == G_TYPE_STRING &&
           nesting < MAX_NESTING)
    {
      const char *inner = json_node_get_string (root);

      result = repair_text (ctx, inner, strlen (inner), nesting + 1, fixes);
      if (result != NULL)
        *fixes |= FIX_BIT (FIX_DOUBLE_ENCODED);
      return result;
    }
  return NULL;
}

/* Scans one value at pos; on success parses it with json-glib and checks it. */
static WfRepairResult *
try_candidate (Context    *ctx,
               const char *s,
               gsize       len,
               gsize      *pos,
               int         nesting,
               guint64    *fixes)
{
  GString *out = ctx->out;
  g_autoptr(JsonParser) parser = NULL;
  Scanner sc = { s, len, *pos, out, ctx->steps, 0, 0, MEMBER_OTHER, FALSE };
  ScanStatus status;
  WfRepairResult *result;
  guint64 local = 0;

  ctx->candidates++;
  /* One buffer for every candidate, sized once for the whole answer: no
   * regrowth (and no copy of what was already written) while scanning. The
   * parser below copies what it keeps, so a nested repair may reuse it. */
  g_string_truncate (out, 0);
  status = scan_value (&sc);
  /* Resume after what was read, never before: this is what keeps the search
   * linear on inputs such as "{{{{{…". */
  *pos = MAX (sc.pos, *pos + 1);

  if (status == SCAN_FAILED)
    return NULL;
  /* Cut off after we had to guess where a string ended: the guess may have
   * ended the code early, and half a program must never run. */
  if (status == SCAN_TRUNCATED && (sc.fixes & FIX_BIT (FIX_INNER_QUOTES)))
    sc.code_truncated = TRUE;
  if (sc.code_truncated)
    {
      if (ctx->decisive == NULL)
        g_set_error_literal (&ctx->decisive, WF_REPAIR_ERROR, WF_REPAIR_ERROR_TRUNCATED_CODE,
                             _("The answer was cut off in the middle of the code, so the code is "
                               "incomplete and was not accepted."));
      return NULL;
    }

  /* Not the immutable parser: sealing hashes every string, the whole code
   * included, a pass over the answer that nothing here needs. */
  parser = json_parser_new ();
  *ctx->steps += out->len;
  if (!json_parser_load_from_data (parser, out->str, out->len, NULL))
    return NULL;  /* cannot happen for scanner output, but never trust it */

  local = sc.fixes;
  if (status == SCAN_TRUNCATED)
    local |= FIX_BIT (FIX_CLOSED_TRUNCATED);
  result = try_parsed (ctx, json_parser_get_root (parser), nesting, &local);
  if (result != NULL)
    *fixes |= local;
  return result;
}

static WfRepairResult *
wrap_block (Context    *ctx,
            const char *s,
            gsize       len,
            Block      *block,
            guint64    *fixes)
{
  g_autofree char *code = NULL;
  const char *language;
  WfRepairResult *result;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  guint64 local = FIX_BIT (FIX_WRAPPED_BARE_CODE);

  if (!block->closed)
    {
      if (ctx->decisive == NULL)
        g_set_error_literal (&ctx->decisive, WF_REPAIR_ERROR, WF_REPAIR_ERROR_TRUNCATED_CODE,
                             _("The answer was cut off before the end of its code block, so the "
                               "code is incomplete and was not accepted."));
      return NULL;
    }

  code = g_strndup (s + block->start, block->end - block->start);
  /* Trailing newline of the block is not part of the program's text. */
  if (block->end > block->start && code[block->end - block->start - 1] == '\n')
    code[block->end - block->start - 1] = '\0';

  language = wf_repair_normalize_language (block->tag);
  if (language == NULL && block->tag[0] != '\0' && !g_str_equal (block->tag, "code"))
    {
      if (ctx->decisive == NULL)
        {
          g_autofree char *shown = g_utf8_make_valid (block->tag, MIN (strlen (block->tag), 40));
          g_set_error (&ctx->decisive, WF_REPAIR_ERROR, WF_REPAIR_ERROR_UNSUPPORTED_LANGUAGE,
                       _("The language “%s” is not supported: only Python and SQL can run."),
                       shown);
        }
      return NULL;
    }

  /* Run the wrapped block through the same checks as a JSON answer. */
  json_object_set_string_member (object, "code", code);
  json_object_set_string_member (object, "explanation", "");
  if (language != NULL)
    json_object_set_string_member (object, "language", language);
  switch (check_object (object, ctx->max_code_size, &local, &result, &error))
    {
    case CHECK_VALID:
      g_free (result->explanation);
      result->explanation = prose_around (s, len, block);
      local &= ~FIX_BIT (FIX_MISSING_EXPLANATION);
      *fixes |= local;
      return result;
    case CHECK_DECISIVE:
      if (ctx->decisive == NULL)
        ctx->decisive = g_steal_pointer (&error);
      return NULL;
    case CHECK_NOT_CANDIDATE:
    default:
      return NULL;
    }
}

static gboolean
only_blank (const char *s,
            gsize       from,
            gsize       to)
{
  for (gsize i = from; i < to; i++)
    if (!g_ascii_isspace (s[i]))
      return FALSE;
  return TRUE;
}

static WfRepairResult *
repair_text (Context    *ctx,
             const char *s,
             gsize       len,
             int         nesting,
             guint64    *fixes)
{
  WfRepairResult *result = NULL;
  gsize pos = 0;
  gsize first_start = G_MAXSIZE;
  guint tried = 0;
  Block block = { 0, };

  /* A double-encoded answer: the whole text (maybe in a fence) is one string. */
  {
    gsize p = 0;

    while (p < len && g_ascii_isspace (s[p]))
      p++;
    if (p + 3 <= len && memcmp (s + p, "```", 3) == 0)
      {
        while (p < len && s[p] != '\n')
          p++;
        while (p < len && g_ascii_isspace (s[p]))
          p++;
      }
    if (p < len && (s[p] == '"' || s[p] == '\'') && nesting < MAX_NESTING)
      {
        gsize q = p;

        result = try_candidate (ctx, s, len, &q, nesting, fixes);
        if (result != NULL)
          return result;
      }
  }

  /* Every object in the text, left to right; the first that validates. */
  while (pos < len && tried < MAX_CANDIDATES)
    {
      const char *brace = memchr (s + pos, '{', len - pos);
      gsize start;

      *ctx->steps += brace ? (gsize) (brace - (s + pos)) : len - pos;
      if (brace == NULL)
        break;
      start = brace - s;
      if (first_start == G_MAXSIZE)
        first_start = start;
      pos = start;
      tried++;
      result = try_candidate (ctx, s, len, &pos, nesting, fixes);
      if (result != NULL)
        {
          if (start != first_start)
            *fixes |= FIX_BIT (FIX_MULTIPLE_OBJECTS);
          if (!only_blank (s, 0, start) || !only_blank (s, pos, len))
            *fixes |= FIX_BIT (FIX_EXTRACTED);
          return result;
        }
    }

  if (ctx->decisive != NULL)
    return NULL;

  /* No JSON answer: a bare block of code. */
  if (find_fenced_block (s, len, ctx->steps, &block) ||
      find_tagged_block (s, len, ctx->steps, &block) ||
      find_plain_code (s, len, ctx->steps, &block))
    {
      if (block.block_start != block.start)
        *fixes |= FIX_BIT (FIX_STRIP_FENCE);
      result = wrap_block (ctx, s, len, &block, fixes);
      g_free (block.tag);
      if (result == NULL && block.block_start != block.start)
        *fixes &= ~FIX_BIT (FIX_STRIP_FENCE);
    }
  return result;
}

/* Length of the invisible character (BOM, zero-width) at s[i], or 0:
 * U+FEFF EF BB BF, U+200B..U+200D E2 80 8B..8D, U+2060 E2 81 A0. */
static inline gsize
invisible_at (const char *s,
              gsize       len,
              gsize       i)
{
  guchar c = (guchar) s[i];

  if (c != 0xef && c != 0xe2)
    return 0;
  if (i + 3 > len)
    return 0;
  if (memcmp (s + i, "\xef\xbb\xbf", 3) == 0 ||
      (c == 0xe2 && (guchar) s[i + 1] == 0x80 && (guchar) s[i + 2] >= 0x8b && (guchar) s[i + 2] <= 0x8d) ||
      memcmp (s + i, "\xe2\x81\xa0", 3) == 0)
    return 3;
  return 0;
}

/* Drops the BOM and zero-width characters; they only ever get in the way.
 * Returns NULL when there is none, so the usual answer is not copied. */
static char *
strip_invisible (const char *s,
                 gsize       len,
                 gsize      *out_len,
                 guint64    *steps)
{
  GString *out = NULL;
  gsize i = 0, from = 0;

  *steps += len;
  while (i < len)
    {
      gsize n = invisible_at (s, len, i);

      if (n == 0)
        {
          i++;
          continue;
        }
      if (out == NULL)
        out = g_string_sized_new (len);
      g_string_append_len (out, s + from, (gssize) (i - from));
      i += n;
      from = i;
    }
  if (out == NULL)
    return NULL;
  g_string_append_len (out, s + from, (gssize) (len - from));
  *out_len = out->len;
  return g_string_free (out, FALSE);
}

WfRepairResult *
wf_repair (const char     *raw,
           gssize          length,
           gsize           max_code_size,
           WfRepairStats  *stats,
           GError        **error)
{
  Context ctx = { 0, };
  guint64 steps = 0;
  guint64 fixes = 0;
  gsize len;
  g_autofree char *stripped = NULL;
  const char *clean;
  gsize clean_len = 0;
  WfRepairResult *result = NULL;

  g_return_val_if_fail (raw != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (raw == NULL)
    raw = "";

  if (stats != NULL)
    memset (stats, 0, sizeof *stats);
  if (max_code_size == 0)
    max_code_size = WF_REPAIR_DEFAULT_MAX_CODE_SIZE;
  len = length < 0 ? strlen (raw) : (gsize) length;

  if (len > max_code_size * 4 + RAW_SLACK)
    {
      g_set_error (error, WF_REPAIR_ERROR, WF_REPAIR_ERROR_TOO_LARGE,
                   _("The answer is %zu KB long, far over the limit of %zu KB of code."),
                   len / 1024, max_code_size / 1024);
      return NULL;
    }
  /* With a length, g_utf8_validate () also refuses NUL bytes: one pass. */
  if (!g_utf8_validate (raw, (gssize) len, NULL))
    {
      g_set_error_literal (error, WF_REPAIR_ERROR, WF_REPAIR_ERROR_UNRECOVERABLE,
                           _("The answer is not readable text (it holds binary data), so no code "
                             "could be found in it."));
      return NULL;
    }
  steps += len;

  stripped = strip_invisible (raw, len, &clean_len, &steps);
  if (stripped != NULL)
    {
      fixes |= FIX_BIT (FIX_STRIP_INVISIBLE);
      clean = stripped;
    }
  else if (length < 0)
    {
      /* NUL-terminated already, as everything below expects. */
      clean = raw;
      clean_len = len;
    }
  else
    {
      /* Only LEN bytes are ours to read: a terminated copy, one memcpy. */
      stripped = g_malloc (len + 1);
      memcpy (stripped, raw, len);
      stripped[len] = '\0';
      clean = stripped;
      clean_len = len;
    }

  if (only_blank (clean, 0, clean_len))
    {
      g_set_error_literal (error, WF_REPAIR_ERROR, WF_REPAIR_ERROR_UNRECOVERABLE,
                           _("The answer was empty."));
      if (stats != NULL)
        stats->steps = steps;
      return NULL;
    }

  ctx.max_code_size = max_code_size;
  ctx.steps = &steps;
  /* Strict JSON is rarely much longer than what it was repaired from; the
   * slack covers the usual escapes, and the buffer grows if it must. */
  ctx.out = g_string_sized_new (clean_len + clean_len / 8 + 64);
  result = repair_text (&ctx, clean, clean_len, 0, &fixes);
  g_string_free (ctx.out, TRUE);

  if (stats != NULL)
    {
      stats->steps = steps;
      stats->candidates = ctx.candidates;
    }

  if (result == NULL)
    {
      if (ctx.decisive != NULL)
        g_propagate_error (error, g_steal_pointer (&ctx.decisive));
      else
        g_set_error_literal (error, WF_REPAIR_ERROR, WF_REPAIR_ERROR_UNRECOVERABLE,
                             _("No code was found in the answer: it is neither the expected JSON "
                               "object nor a block of Python or SQL."));
      return NULL;
    }
  g_clear_error (&ctx.decisive);

  result->fixes = g_ptr_array_new_with_free_func (g_free);
  for (int f = 0; f < N_FIXES; f++)
    if (fixes & FIX_BIT (f))
      g_ptr_array_add (result->fixes, g_strdup (fix_ids[f]));
  return result;
}

void
wf_repair_result_free (WfRepairResult *result)
{
  if (result == NULL)
    return;
  g_free (result->code);
  g_free (result->explanation);
  g_free (result->language);
  g_clear_pointer (&result->fixes, g_ptr_array_unref);
  g_free (result);
}

gboolean
wf_repair_result_has_fix (const WfRepairResult *result,
                          const char           *fix)
{
  g_return_val_if_fail (result != NULL, FALSE);
  g_return_val_if_fail (fix != NULL, FALSE);

  for (guint i = 0; result->fixes != NULL && i < result->fixes->len; i++)
    if (g_str_equal (g_ptr_array_index (result->fixes, i), fix))
      return TRUE;
  return FALSE;
}

char *
wf_repair_build_reask_prompt (const GError *error)
{
  const char *because;

  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain != WF_REPAIR_ERROR)
    because = "it could not be read";
  else
    switch ((WfRepairError) error->code)
      {
      case WF_REPAIR_ERROR_TRUNCATED_CODE:
        because = "it was cut off in the middle of the code; keep the program shorter";
        break;
      case WF_REPAIR_ERROR_BIDI_CONTROL:
        because = "the code contains Unicode bidirectional control characters, which are not allowed";
        break;
      case WF_REPAIR_ERROR_TOO_LARGE:
        because = "the code is too long; write a much shorter program";
        break;
      case WF_REPAIR_ERROR_WRONG_TYPE:
        because = "a field had the wrong type: \"code\", \"explanation\" and \"language\" must all be strings";
        break;
      case WF_REPAIR_ERROR_UNSUPPORTED_LANGUAGE:
        because = "the language must be \"python\" or \"sql\"";
        break;
      case WF_REPAIR_ERROR_UNRECOVERABLE:
      default:
        because = "it did not contain a JSON object with the code";
        break;
      }

  return g_strdup_printf ("Your last answer was not valid JSON because %s. Reply again with "
                          "exactly one JSON object and nothing else, of the form "
                          "{\"code\": \"<the complete program>\", \"explanation\": \"<one short "
                          "paragraph>\", \"language\": \"python\"} (or \"sql\"). Escape newlines "
                          "in strings as \\n. No markdown fences, no text before or after.",
                          because);
}
