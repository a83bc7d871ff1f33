# firewall: block dunder-attribute
x = 3
print(f"{x.__class__.__subclasses__()!r}")
