# firewall: block blocked-name
b = __builtins__
print(b)
