# firewall: block blocked-name
breakpoint()
