# firewall: runtime reading /etc/passwd
# static: allow
import pandas as pd
parts = ["", "etc", "passwd"]
path = "/".join(parts)
pd.read_csv(path, sep=":", header=None)
