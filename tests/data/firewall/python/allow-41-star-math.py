# firewall: allow
from math import *
from collections import *

rate = 0.05
print(exp(rate * 10), sqrt(2), floor(pi), Counter("aab"))
