# firewall: block dunder-attribute
class A:
    def leak(self):
        return __class__
