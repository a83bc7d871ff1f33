# firewall: allow
import pandas as pd

idx = pd.date_range("2025-01-01", periods=24, freq="MS")
s = pd.Series(range(24), index=idx, dtype=float) * 150.0
quarterly = s.resample("QS").sum()
print(quarterly.tail(4))
