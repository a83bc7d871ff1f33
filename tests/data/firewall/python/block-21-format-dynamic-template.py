# firewall: block format-dynamic
t = ("{0." + "__class__}").format(1)
