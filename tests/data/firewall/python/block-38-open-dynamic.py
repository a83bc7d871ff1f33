# firewall: block open-dynamic-path
p = "/e" + "tc/shadow"
open(p)
