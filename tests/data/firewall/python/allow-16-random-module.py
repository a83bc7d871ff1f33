# firewall: allow
import random

random.seed(7)
draws = [random.gauss(0.06, 0.15) for _ in range(1000)]
print(sum(d > 0 for d in draws) / len(draws))
