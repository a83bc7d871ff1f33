# firewall: block blocked-name
code = compile("1+1", "<x>", "eval")
