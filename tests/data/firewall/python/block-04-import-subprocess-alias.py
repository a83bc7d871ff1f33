# firewall: block import-not-allowed
import subprocess as sp
sp.run(["ls"])
