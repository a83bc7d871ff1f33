# firewall: runtime subprocess.Popen
# static: block
import subprocess
subprocess.run(["true"])
