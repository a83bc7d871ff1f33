# firewall: allow
salary = 85_000
bonus_rate = 0.12
print(f"Salary: {salary:>12,.0f}")
print(f"Bonus:  {salary * bonus_rate:>12,.2f} ({bonus_rate:.0%})")
print(f"{'Total':<8}{salary * (1 + bonus_rate)!r}")
