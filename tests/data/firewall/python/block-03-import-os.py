# firewall: block import-not-allowed
import os
os.system("id")
