/* wf-sandbox-default.c: choosing the backend for this environment
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-sandbox"

#include "config.h"

#include "wf-sandbox.h"

#include <glib/gi18n-lib.h>

#include "wf-sandbox-bwrap.h"

/* TODO(lead, at merge): the Flatpak and E2B backends are another helper's;
 * wire wf_sandbox_flatpak_new () and wf_sandbox_e2b_new () here, replacing the
 * two refusals below. They are not referenced yet so this file builds alone. */

WfSandbox *
wf_sandbox_get_default (const char  *name,
                        GError     **error)
{
  g_autoptr(WfSandbox) sandbox = NULL;
  g_autoptr(GError) local = NULL;

  if (g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS))
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_UNAVAILABLE,
                   _("Running inside Flatpak needs the Flatpak sandbox backend, which this build "
                     "does not include yet"));
      return NULL;
    }
  if (name == NULL || *name == '\0')
    name = g_getenv ("WHATIF_SANDBOX");
  if (name == NULL || *name == '\0')
    name = "bwrap";

  if (g_str_equal (name, "bwrap"))
    sandbox = wf_sandbox_bwrap_new ();
  else if (g_str_equal (name, "e2b"))
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_UNAVAILABLE,
                   _("The E2B cloud sandbox is not part of this build yet; use --backend bwrap"));
      return NULL;
    }
  else
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_UNAVAILABLE,
                   _("Unknown sandbox backend “%s” (expected bwrap or e2b)"), name);
      return NULL;
    }

  if (!wf_sandbox_is_available (sandbox, &local))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  return g_steal_pointer (&sandbox);
}
