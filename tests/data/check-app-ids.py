#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The application id is the same in meson, the desktop file name, the
metainfo, the schema and the Flatpak manifest."""
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

root, app_id = sys.argv[1], sys.argv[2]
errors = []

data = os.path.join(root, "data")
for suffix in (".desktop.in", ".metainfo.xml.in", ".gschema.xml"):
    if not os.path.exists(os.path.join(data, app_id + suffix)):
        errors.append(f"data/{app_id}{suffix} is missing")

meta = ET.parse(os.path.join(data, app_id + ".metainfo.xml.in")).getroot()
if meta.findtext("id") != app_id:
    errors.append(f"metainfo id {meta.findtext('id')!r} != {app_id!r}")
launch = meta.find("launchable")
if launch is None or launch.text != app_id + ".desktop":
    errors.append("metainfo launchable does not name the desktop file")

schema = ET.parse(os.path.join(data, app_id + ".gschema.xml")).getroot()
ids = [s.get("id") for s in schema.findall("schema")]
if app_id not in ids:
    errors.append(f"no schema with id {app_id}: {ids}")
for s in schema.findall("schema"):
    if s.get("id") == app_id and s.get("path") != "/" + app_id.replace(".", "/") + "/":
        errors.append(f"schema path {s.get('path')} does not follow the id")

manifest = json.load(open(os.path.join(root, "flatpak", app_id + ".json"), encoding="utf-8"))
if manifest.get("id", manifest.get("app-id")) != app_id:
    errors.append("flatpak manifest id differs")

icon = os.path.join(data, "icons", "hicolor", "scalable", "apps", app_id + ".svg")
if not os.path.exists(icon):
    errors.append("scalable app icon missing")
symbolic = os.path.join(data, "icons", "hicolor", "symbolic", "apps", app_id + "-symbolic.svg")
if not os.path.exists(symbolic):
    errors.append("symbolic app icon missing")

with open(os.path.join(root, "meson.build"), encoding="utf-8") as f:
    if not re.search(r"app_id\s*=\s*'" + re.escape(app_id) + "'", f.read()):
        errors.append("meson.build app_id differs")

for e in errors:
    print(e)
print("ok" if not errors else f"{len(errors)} problems")
sys.exit(1 if errors else 0)
