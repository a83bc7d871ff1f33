# firewall: allow
import statistics

returns = [0.07, -0.02, 0.11, 0.04, 0.09, -0.05]
mean = statistics.mean(returns)
sd = statistics.stdev(returns)
print(f"mean {mean:.3f} sd {sd:.3f} sharpe {(mean - 0.02) / sd:.2f}")
