/* wf-sandbox-default.c: choosing the backend for this environment
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-sandbox"

#include "config.h"

#include "wf-sandbox.h"

#include <glib/gi18n-lib.h>

#include "wf-sandbox-bwrap.h"
#include "wf-sandbox-e2b.h"
#include "wf-sandbox-flatpak.h"

/* Inside a Flatpak bubblewrap cannot create namespaces (Flatpak's own seccomp
 * filter and --disable-userns forbid it), so the portal's sub-sandbox is the
 * only local choice there; E2B stays available when asked for by name. */

WfSandbox *
wf_sandbox_get_default (const char  *name,
                        GError     **error)
{
  g_autoptr(WfSandbox) sandbox = NULL;
  g_autoptr(GError) local = NULL;

  if (name == NULL || *name == '\0' || g_str_equal (name, "auto"))
    name = g_getenv ("WHATIF_SANDBOX");
  if (name == NULL || *name == '\0' || g_str_equal (name, "auto"))
    name = g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS) ? "flatpak" : "bwrap";

  if (g_str_equal (name, "bwrap"))
    sandbox = wf_sandbox_bwrap_new ();
  else if (g_str_equal (name, "flatpak"))
    sandbox = wf_sandbox_flatpak_new ();
  else if (g_str_equal (name, "e2b"))
    sandbox = wf_sandbox_e2b_new ();
  else
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_UNAVAILABLE,
                   _("Unknown sandbox backend “%s” (expected bwrap, flatpak or e2b)"), name);
      return NULL;
    }

  if (!wf_sandbox_is_available (sandbox, &local))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  return g_steal_pointer (&sandbox);
}
