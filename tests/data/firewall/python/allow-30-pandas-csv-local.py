# firewall: allow
import pandas as pd

df = pd.DataFrame({"a": [1, 2], "b": [3.5, 4.5]})
df.to_csv("out.csv", index=False)
again = pd.read_csv("out.csv")
print(again.describe())
