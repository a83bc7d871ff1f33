# firewall: block dunder-attribute
classes = ().__class__.__mro__[1].__subclasses__()
print(len(classes))
