# firewall: runtime call of eval
# static: block
# guard: builtins
total = eval("40 + 2")
