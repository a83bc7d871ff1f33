# firewall: allow
import io
from datetime import datetime, date
import numpy as np
import pandas as pd

raw = io.StringIO("date,amount\n2025-01-01,10\n2025-02-01,12\n")
df = pd.read_csv(raw, parse_dates=["date"])
df["month"] = df["date"].dt.to_period("M").astype(str)
df["cum"] = df["amount"].cumsum()
df["flag"] = df.apply(lambda r: "high" if r["amount"] > 11 else "low", axis=1)
pd.options.display.float_format = "{:,.2f}".format
summary = df.describe().T
records = df.to_dict("records")
for idx, row in df.iterrows():
    print(idx, row["month"], row["cum"])
print(np.round(np.mean(df["amount"].to_numpy()), 2), date.today() >= date(2020, 1, 1), datetime.now().year > 2000)
with open(f"summary_{len(records)}.csv", "w") as fh:
    summary.to_csv(fh)
