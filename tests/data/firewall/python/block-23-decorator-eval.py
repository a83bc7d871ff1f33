# firewall: block blocked-name
@eval
@str.lower
@lambda _: "__IMPORT__('OS').SYSTEM('ID')"
class X:
    pass
