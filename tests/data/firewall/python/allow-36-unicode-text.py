# firewall: allow
# Café budget in € and ¥; names with accents are fine
café_budget = {"Zoë": 120.0, "José": 95.5}
total_eur = sum(café_budget.values()) if False else sum(café_budget.values())
print(f"Total: {total_eur:.2f} €")
