# firewall: block path-outside-workdir
import numpy as np
m = np.memmap("/etc/passwd", dtype="uint8", mode="r")
