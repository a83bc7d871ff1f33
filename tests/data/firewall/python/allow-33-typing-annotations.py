# firewall: allow
from typing import Dict, Optional, Tuple

def split_bill(total: float, people: Dict[str, float], tip: Optional[float] = None) -> Tuple[float, Dict[str, float]]:
    tip = tip or 0.0
    grand = total * (1 + tip)
    weight = sum(people.values())
    return grand, {k: round(grand * v / weight, 2) for k, v in people.items()}

print(split_bill(120.0, {"a": 1, "b": 2}, 0.15))
