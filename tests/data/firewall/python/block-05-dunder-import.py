# firewall: block blocked-name
os = __import__("o" + "s")
