# firewall: block blocked-name
print(eval("2 ** 10"))
