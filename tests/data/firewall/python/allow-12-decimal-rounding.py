# firewall: allow
from decimal import Decimal, ROUND_HALF_UP, getcontext

getcontext().prec = 28
price = Decimal("19.995")
qty = Decimal(3)
total = (price * qty).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
print(total)
