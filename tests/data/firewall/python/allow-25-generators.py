# firewall: allow
def schedule(principal, rate, payment):
    balance = principal
    month = 0
    while balance > 0:
        month += 1
        interest = balance * rate
        balance = balance + interest - payment
        yield month, round(max(balance, 0), 2)

last = None
for last in schedule(5000, 0.015, 250):
    pass
print(last)
