# firewall: allow
import re

text = "Rent 1,200.00; Food 340.50; Fun 80"
pattern = re.compile(r"(\w+)\s+([\d,]+(?:\.\d+)?)")
items = {k: float(v.replace(",", "")) for k, v in pattern.findall(text)}
print(items)
