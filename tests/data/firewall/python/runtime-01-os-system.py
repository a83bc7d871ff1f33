# firewall: runtime os.system
# static: block
import os
os.system("id")
