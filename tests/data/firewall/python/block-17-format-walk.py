# firewall: block format-walk
x = 1
print("{0.__class__.__mro__}".format(x))
