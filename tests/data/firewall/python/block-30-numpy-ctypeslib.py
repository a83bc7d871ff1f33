# firewall: block module-route
import numpy as np
lib = np.ctypeslib.ctypes.CDLL(None)
