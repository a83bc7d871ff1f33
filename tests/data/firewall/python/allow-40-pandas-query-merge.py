# firewall: allow
import pandas as pd

a = pd.DataFrame({"id": [1, 2, 3], "income": [50, 80, 120]})
b = pd.DataFrame({"id": [1, 2, 3], "debt": [10, 90, 30]})
m = a.merge(b, on="id")
m["dti"] = m["debt"] / m["income"]
print(m.query("dti < 0.5")["id"].tolist())
