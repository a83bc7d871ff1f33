# firewall: block blocked-name
x = input("amount? ")
help(x)
