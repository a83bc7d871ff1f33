# firewall: block blocked-name
exec("import os")
