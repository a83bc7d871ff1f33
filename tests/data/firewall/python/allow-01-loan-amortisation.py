# firewall: allow
import math
import pandas as pd

principal = 250_000.0
rate = 0.045 / 12
months = 30 * 12
payment = principal * rate / (1 - (1 + rate) ** -months)
rows = []
balance = principal
for m in range(1, months + 1):
    interest = balance * rate
    balance -= payment - interest
    rows.append({"month": m, "interest": interest, "balance": max(balance, 0.0)})
schedule = pd.DataFrame(rows)
print(f"Monthly payment: {payment:,.2f}")
