# firewall: block blocked-attribute
import typing
class C:
    x: "__import__('os').system('id')"
typing.get_type_hints(C)
