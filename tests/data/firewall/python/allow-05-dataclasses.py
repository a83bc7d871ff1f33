# firewall: allow
from dataclasses import dataclass, field
from typing import List

@dataclass
class Holding:
    ticker: str
    shares: float
    price: float
    lots: List[float] = field(default_factory=list)

    def __post_init__(self):
        self._value = self.shares * self.price

    @property
    def value(self) -> float:
        return self._value

book = [Holding("VTI", 10, 250.0), Holding("BND", 20, 72.5)]
print(sum(h.value for h in book))
