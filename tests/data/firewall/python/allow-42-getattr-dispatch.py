# firewall: allow
from dataclasses import dataclass, fields

@dataclass
class Budget:
    rent: float = 1200.0
    food: float = 400.0
    travel: float = 150.0

b = Budget()
total = sum(getattr(b, "rent") for _ in range(1)) + b.food + b.travel
print(total, [f.name for f in fields(b)], getattr(b, "food", 0.0))
