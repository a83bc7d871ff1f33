# firewall: runtime compiling code from a string
# static: block
import numpy as np
source = "import os\nos.system('id')"
exec(source, {})
