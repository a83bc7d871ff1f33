# firewall: block module-route
from numpy import ctypeslib
import numpy.ctypeslib
