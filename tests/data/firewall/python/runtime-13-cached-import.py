# firewall: runtime import of os
# static: block
# guard: builtins
# pandas has already loaded os, so the "import" audit event never fires:
# the model's own guarded __import__ must stop it.
import pandas as pd
import os
print(os.listdir("/"))
