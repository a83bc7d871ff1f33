# firewall: runtime sys._getframe
# static: block
import sys
sys._getframe(0)
