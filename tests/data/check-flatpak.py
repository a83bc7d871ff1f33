#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""What can be checked of the Flatpak manifest without downloading a runtime:
valid JSON with the required keys, a checksum on every downloaded source, and
only the finish-args we have a reason for (each is justified in README.md)."""
import json
import os
import re
import sys

root = sys.argv[1]
path = os.path.join(root, "flatpak", "io.github.whatif.WhatIf.json")
errors = []

# Every permission here is explained in README.md, section "Flatpak permissions".
ALLOWED_FINISH_ARGS = {
    "--share=network",      # remote models, E2B and telemetry, only when configured
    "--share=ipc",          # X11 shared memory for the fallback-x11 socket
    "--socket=fallback-x11",
    "--socket=wayland",
    "--device=dri",         # GPU rendering of GTK
}

try:
    manifest = json.load(open(path, encoding="utf-8"))
except (OSError, ValueError) as e:
    print(f"{path}: {e}")
    sys.exit(1)

for key in ("id", "runtime", "runtime-version", "sdk", "command", "finish-args", "modules"):
    if key not in manifest:
        errors.append(f"missing key {key!r}")

if manifest.get("runtime") != "org.gnome.Platform" or manifest.get("sdk") != "org.gnome.Sdk":
    errors.append("runtime/sdk must be the GNOME ones")
try:
    if int(str(manifest.get("runtime-version", "0")).split(".")[0]) < 47:
        errors.append("runtime-version must be 47 or newer")
except ValueError:
    errors.append("runtime-version is not a number")
if manifest.get("command") != "whatif":
    errors.append("command must be whatif")

for arg in manifest.get("finish-args", []):
    if arg not in ALLOWED_FINISH_ARGS:
        errors.append(f"finish-arg {arg!r} is not in the allow-list")
    if arg.startswith("--filesystem") or arg.startswith("--talk-name=org.freedesktop.Flatpak"):
        errors.append(f"finish-arg {arg!r} would weaken the sandbox")

readme = open(os.path.join(root, "README.md"), encoding="utf-8").read()
for arg in manifest.get("finish-args", []):
    if arg not in readme:
        errors.append(f"finish-arg {arg!r} is not justified in README.md")

sha = re.compile(r"^[0-9a-f]{64}$")
modules = manifest.get("modules", [])
for module in modules:
    if isinstance(module, str):
        errors.append(f"module {module!r} is an external file: inline it so it can be checked")
        continue
    for source in module.get("sources", []):
        kind = source.get("type")
        if kind in ("file", "archive"):
            if "url" in source and not sha.match(source.get("sha256", "")):
                errors.append(f"{module.get('name')}: source {source.get('url')} has no sha256")
            if "url" in source and not source["url"].startswith("https://"):
                errors.append(f"{module.get('name')}: source {source['url']} is not https")
        elif kind == "git":
            if not (source.get("commit") or source.get("tag")):
                errors.append(f"{module.get('name')}: git source without commit or tag")
        elif kind == "dir":
            pass
        else:
            errors.append(f"{module.get('name')}: unexpected source type {kind!r}")

if not modules or modules[-1].get("name") != "whatif":
    errors.append("the app must be the last module")
else:
    app = modules[-1]
    if app.get("buildsystem") != "meson":
        errors.append("the app is built with meson")
    if not app.get("run-tests"):
        errors.append("the app module must run its tests (run-tests)")
    opts = " ".join(app.get("config-opts", []))
    if "-Dsandbox_python=" not in opts:
        errors.append("the app must say which Python the sandbox uses")

names = [m.get("name", "") for m in modules if isinstance(m, dict)]
for needed in ("python3-numpy", "python3-pandas"):
    if needed not in names:
        errors.append(f"module {needed} is missing")

for e in errors:
    print(e)
print("ok" if not errors else f"{len(errors)} problems")
sys.exit(1 if errors else 0)
