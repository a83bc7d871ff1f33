# firewall: block format-walk
class C:
    pass
print("{0.__init__.__globals__[os]}".format(C()))
