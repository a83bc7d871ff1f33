# firewall: allow
amount = 1234.5
print("{:,.2f} USD".format(amount))
print("{0} owes {1:.2f}".format("Bo", amount))
print("{name}: {value:>10.1f}".format(name="rent", value=amount))
template = "{:.1%}"
print(template.format(0.0425))
