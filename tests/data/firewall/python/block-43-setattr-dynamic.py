# firewall: block dynamic-attribute
class C:
    pass
setattr(C, "x" * 1 if True else "y", 1)
attr = "__init__"
setattr(C, attr, print)
