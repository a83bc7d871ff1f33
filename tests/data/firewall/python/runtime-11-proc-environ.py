# firewall: runtime reading /proc/1/environ
# static: allow
import pandas as pd
where = "/".join(["", "proc", "1", "environ"])
pd.read_csv(where, header=None)
