# firewall: block module-route
import numpy as np
np.lib.npyio.os.remove("x")
