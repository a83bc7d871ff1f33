# firewall: block format-walk
data = {"__class__": 1}
print("{0[__class__]}".format(data))
