# firewall: block format-walk
data = {"a": [1]}
print("{a.__class__}".format_map(data))
