# firewall: allow
import pandas as pd

df = pd.DataFrame({
    "year": [2023, 2023, 2024, 2024],
    "quarter": ["Q1", "Q2", "Q1", "Q2"],
    "revenue": [10.0, 12.5, 11.0, 14.2],
})
pivot = df.pivot_table(index="year", columns="quarter", values="revenue", aggfunc="sum")
pivot["growth"] = pivot["Q2"] / pivot["Q1"] - 1
print(pivot.round(3))
