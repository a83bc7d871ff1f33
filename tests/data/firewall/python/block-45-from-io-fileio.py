# firewall: block import-restricted
from io import FileIO
FileIO("/etc/hosts")
