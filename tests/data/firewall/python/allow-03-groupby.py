# firewall: allow
import pandas as pd

df = pd.DataFrame({"category": ["rent", "food", "food", "fun"], "amount": [1200, 300, 250, 80]})
totals = df.groupby("category")["amount"].sum().sort_values(ascending=False)
share = (totals / totals.sum()).round(3)
print(share.to_dict())
