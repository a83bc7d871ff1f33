# firewall: allow
funds = [("A", 0.07, 0.012), ("B", 0.065, 0.002), ("C", 0.08, 0.02)]
net = sorted(funds, key=lambda f: f[1] - f[2], reverse=True)
best = max(funds, key=lambda f: (f[1] - f[2]))
print(net, best, list(map(lambda f: f[0], funds)))
