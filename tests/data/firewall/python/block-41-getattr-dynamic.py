# firewall: block dynamic-attribute
import math
name = "sq" + "rt"
f = getattr(math, name)
