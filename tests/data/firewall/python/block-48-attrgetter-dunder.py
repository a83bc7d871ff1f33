# firewall: block dunder-attribute
from operator import attrgetter
get = attrgetter("__class__.__base__")
print(get(1))
