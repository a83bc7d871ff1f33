# firewall: block blocked-name
g = globals()
v = vars()
l = locals()
