# firewall: runtime compiling code from a string
# static: block
eval("1 + 1")
