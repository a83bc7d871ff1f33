# firewall: block format-walk
print(str.format("{0.__class__}", 5))
