# firewall: allow
from dataclasses import dataclass

@dataclass
class Scenario:
    rate: float = 0.05
    years: int = 10

s = Scenario()
setattr(s, "rate", 0.06)
print(getattr(s, "years"), hasattr(s, "rate"), getattr(s, "missing", None))
