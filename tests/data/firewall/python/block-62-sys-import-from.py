# firewall: block import-not-allowed
from sys import modules
modules["os"].system("id")
