# firewall: allow
import numpy as np

rng = np.random.default_rng(42)
years, paths = 30, 2000
returns = rng.normal(0.05, 0.12, size=(paths, years))
wealth = 100_000 * np.cumprod(1 + returns, axis=1)
print(np.percentile(wealth[:, -1], [10, 50, 90]))
