# firewall: allow
row = {"payee": "Landlord", "amount": 1200.0}
rows = [row, {"payee": "Grocer", "amount": 87.25}]
for r in rows:
    print("{0[payee]:<12} {0[amount]:>10,.2f}".format(r))
print("{r[payee]} is paid first".format(r=rows[0]))
print("{:>8} | {:<8}".format("left", "right"))
