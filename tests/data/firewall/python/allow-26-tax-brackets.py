# firewall: allow
BRACKETS = [(11_000, 0.10), (44_725, 0.12), (95_375, 0.22), (182_100, 0.24), (float("inf"), 0.32)]

def tax(income):
    owed, lower = 0.0, 0.0
    for upper, rate in BRACKETS:
        if income <= lower:
            break
        owed += (min(income, upper) - lower) * rate
        lower = upper
    return owed

for income in (30_000, 90_000, 200_000):
    print(income, round(tax(income), 2), f"{tax(income) / income:.1%}")
