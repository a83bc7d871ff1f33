/* fuzz-repair.c: libFuzzer target for the repair scanner
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Any byte string must come back as a valid result or a WF_REPAIR_ERROR,
 * with no crash, leak or hang. A result must also keep the module's
 * promises: Python or SQL, non-empty code within the size limit, valid UTF-8
 * and no bidi control characters.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wf-repair.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static gboolean
has_bidi (const char *s)
{
  for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar u = g_utf8_get_char (p);

      if ((u >= 0x202A && u <= 0x202E) || (u >= 0x2066 && u <= 0x2069) ||
          u == 0x200E || u == 0x200F || u == 0x061C)
        return TRUE;
    }
  return FALSE;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRepairResult) result = NULL;
  /* A small limit too, so the size checks are reached by small inputs. */
  gsize limit = size > 0 && (data[0] & 1) ? 256 : 0;

  result = wf_repair ((const char *) data, (gssize) size, limit, NULL, &error);
  if (result == NULL)
    {
      g_autofree char *prompt = NULL;

      if (error == NULL || error->domain != WF_REPAIR_ERROR || error->message == NULL ||
          !g_utf8_validate (error->message, -1, NULL))
        abort ();
      prompt = wf_repair_build_reask_prompt (error);
      if (prompt == NULL)
        abort ();
      return 0;
    }

  if (error != NULL || result->code == NULL || result->explanation == NULL ||
      result->fixes == NULL)
    abort ();
  if (!g_str_equal (result->language, "python") && !g_str_equal (result->language, "sql"))
    abort ();
  if (result->code[strspn (result->code, " \t\r\n")] == '\0')
    abort ();
  if (strlen (result->code) > (limit ? limit : WF_REPAIR_DEFAULT_MAX_CODE_SIZE))
    abort ();
  if (!g_utf8_validate (result->code, -1, NULL) || !g_utf8_validate (result->explanation, -1, NULL))
    abort ();
  if (has_bidi (result->code))
    abort ();
  return 0;
}
