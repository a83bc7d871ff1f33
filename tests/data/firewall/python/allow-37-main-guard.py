# firewall: allow
import numpy as np

def payback(flows):
    cum = np.cumsum(flows)
    idx = np.argmax(cum >= 0)
    return int(idx) if cum[idx] >= 0 else None

if __name__ == "__main__":
    print(payback([-1000, 300, 400, 500]))
