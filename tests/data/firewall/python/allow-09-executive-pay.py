# firewall: allow
executive_pay = 1_250_000
system_cost = 40_000
evaluation = executive_pay / 52
compiled_total = executive_pay + system_cost
opened_accounts = 3
print(evaluation, compiled_total, opened_accounts)
