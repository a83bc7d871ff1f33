# firewall: runtime ctypes.
# static: block
import ctypes
ctypes.CDLL(None)
