# firewall: block dynamic-attribute blocked-name
f = getattr(__builtins__, 'ev' + 'al')
print(f("1+1"))
