# firewall: block import-not-allowed
from importlib import import_module
import_module(chr(111) + chr(115))
