# firewall: block import-not-allowed
import importlib
m = importlib.import_module("socket")
