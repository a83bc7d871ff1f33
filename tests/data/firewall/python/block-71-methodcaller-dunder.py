# firewall: block dunder-attribute
from operator import methodcaller
reduce = methodcaller("__reduce_ex__", 2)
