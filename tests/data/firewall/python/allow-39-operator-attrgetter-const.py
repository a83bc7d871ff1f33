# firewall: allow
from operator import attrgetter, itemgetter
from collections import namedtuple

Bond = namedtuple("Bond", "name coupon maturity")
bonds = [Bond("X", 0.04, 2030), Bond("Y", 0.035, 2028)]
print(sorted(bonds, key=attrgetter("maturity")), list(map(itemgetter(1), bonds)))
