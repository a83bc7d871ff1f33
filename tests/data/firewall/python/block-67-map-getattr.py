# firewall: block dynamic-attribute
names = ["__class__"]
values = list(map(getattr, [()], names))
