/* wf-sandbox-flatpak.h: the runner in a Flatpak sub-sandbox (portal Spawn)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "wf-sandbox.h"

G_BEGIN_DECLS

#define WF_TYPE_SANDBOX_FLATPAK (wf_sandbox_flatpak_get_type ())
G_DECLARE_FINAL_TYPE (WfSandboxFlatpak, wf_sandbox_flatpak, WF, SANDBOX_FLATPAK, GObject)

/* Flags of org.freedesktop.portal.Flatpak.Spawn (flatpak/flatpak
 * data/org.freedesktop.portal.Flatpak.xml; flatpak-xdg-utils
 * src/flatpak-spawn.c FlatpakSpawnFlags). */
typedef enum
{
  WF_FLATPAK_SPAWN_CLEAR_ENV      = 1 << 0,
  WF_FLATPAK_SPAWN_LATEST_VERSION = 1 << 1,
  WF_FLATPAK_SPAWN_SANDBOX        = 1 << 2,
  WF_FLATPAK_SPAWN_NO_NETWORK     = 1 << 3,
  WF_FLATPAK_SPAWN_WATCH_BUS      = 1 << 4,
  WF_FLATPAK_SPAWN_EXPOSE_PIDS    = 1 << 5,
} WfFlatpakSpawnFlags;

/* TRUE when this process runs inside a Flatpak (/.flatpak-info exists). */
gboolean   wf_sandbox_flatpak_is_inside (void);

/* Properties: "info-path" (default /.flatpak-info), "runner-path" (default
 * $WHATIF_FLATPAK_RUNNER, else whatif_runner.py in the runner dir), "python"
 * (default WF_SANDBOX_PYTHON). Tests inject a fake runner through them. */
WfSandbox *wf_sandbox_flatpak_new       (void);

G_END_DECLS
