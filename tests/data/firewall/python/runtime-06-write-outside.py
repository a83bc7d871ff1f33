# firewall: runtime writing /tmp/escape.csv
# static: allow
import pandas as pd
target = "/" + "tmp/escape.csv"
pd.DataFrame({"a": [1]}).to_csv(target)
