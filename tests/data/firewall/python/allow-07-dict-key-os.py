# firewall: allow
costs = {"os": 120.0, "sys": 40.0, "subprocess": 0.0, "eval": 3.0}
costs["os"] += 10
licences = dict(os=2, office=5)
print(sorted(costs.items()), licences["os"])
