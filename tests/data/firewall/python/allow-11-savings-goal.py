# firewall: allow
import math

goal = 50_000
monthly = 650
annual_rate = 0.04
r = annual_rate / 12
months = math.log(1 + goal * r / monthly) / math.log(1 + r)
print(f"{math.ceil(months)} months")
