#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fails when a file with translatable strings is missing from po/POTFILES.in,
or when POTFILES.in names a file that does not exist."""
import os
import re
import sys

root = sys.argv[1]
listed = set()
with open(os.path.join(root, "po", "POTFILES.in"), encoding="utf-8") as f:
    for line in f:
        line = line.strip()
        if line and not line.startswith("#"):
            listed.add(line)

c_marker = re.compile(r'\b(?:_|N_|C_|NC_|g_dngettext|ngettext)\s*\(\s*"')
ui_marker = re.compile(r'translatable="yes"')
problems = []

for top in ("src", "data"):
    for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
        dirnames[:] = [d for d in dirnames if d != "__pycache__"]
        for name in filenames:
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            if name.endswith((".c", ".h")):
                text = open(path, encoding="utf-8", errors="replace").read()
                needs = bool(c_marker.search(text))
            elif name.endswith(".ui"):
                needs = bool(ui_marker.search(open(path, encoding="utf-8").read()))
            elif name.endswith((".desktop.in", ".metainfo.xml.in", ".gschema.xml")):
                needs = True
            else:
                continue
            if needs and rel not in listed:
                problems.append(f"missing from po/POTFILES.in: {rel}")

for rel in sorted(listed):
    if not os.path.exists(os.path.join(root, rel)):
        problems.append(f"listed in po/POTFILES.in but absent: {rel}")

for p in problems:
    print(p)
print(f"{len(listed)} files listed, {len(problems)} problems")
sys.exit(1 if problems else 0)
