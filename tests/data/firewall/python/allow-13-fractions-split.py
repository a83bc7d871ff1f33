# firewall: allow
from fractions import Fraction

shares = [Fraction(1, 3), Fraction(1, 4), Fraction(5, 12)]
assert sum(shares) == 1
pot = 90_000
print([float(s * pot) for s in shares])
