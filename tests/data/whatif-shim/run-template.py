# SPDX-License-Identifier: GPL-3.0-or-later
#
# TEST-ONLY driver for the whatif shim (see whatif/__init__.py): runs one
# template program and prints what it reported as one JSON line on stdout.
# Usage: python3 -I run-template.py PROGRAM.py
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import whatif  # noqa: E402

with open(sys.argv[1], encoding="utf-8") as f:
    source = f.read()
exec(compile(source, "template.py", "exec"), {"__name__": "__main__"})
sys.stdout.write("\n@@WHATIF@@" + whatif._report() + "\n")
