# SPDX-License-Identifier: GPL-3.0-or-later
#
# fake-runner-exit.py: a runner that dies at once without reading its job or
# reporting anything, for test-sandbox-flatpak.
import sys

sys.exit(3)
