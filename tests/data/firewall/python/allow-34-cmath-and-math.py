# firewall: allow
import cmath
import math

roots = [cmath.sqrt(-4), math.sqrt(16), math.exp(0.05 * 10)]
print(roots, math.isclose(math.log(math.e), 1.0))
