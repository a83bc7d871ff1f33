# firewall: block syntax-error
def broken(:
    return 1
