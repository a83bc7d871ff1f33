# firewall: block blocked-attribute
base = int.mro()[-1]
