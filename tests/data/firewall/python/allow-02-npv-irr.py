# firewall: allow
import numpy as np
import numpy_financial as npf

flows = np.array([-10_000, 3_000, 4_200, 6_800])
npv = npf.npv(0.08, flows)
irr = npf.irr(flows)
print(f"NPV {npv:.2f}, IRR {irr:.2%}")
