# firewall: runtime writing /tmp/m.npy
# static: allow
import numpy as np
name = "/tmp" + "/m.npy"
np.lib.format.open_memmap(name, mode="w+", dtype="float64", shape=(2,))
