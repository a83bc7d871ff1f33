# firewall: allow
import itertools
import functools
import operator

cash = [100, -20, 35, -10]
running = list(itertools.accumulate(cash))
product = functools.reduce(operator.mul, [1.01, 1.02, 0.99], 1.0)
pairs = list(itertools.product(["low", "high"], [0.03, 0.05]))
print(running, round(product, 4), pairs)
