# firewall: block module-route
import random
random._os.system("id")
