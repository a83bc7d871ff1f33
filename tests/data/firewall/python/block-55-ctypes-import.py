# firewall: block import-not-allowed
from ctypes import CDLL
CDLL(None).system(b"id")
