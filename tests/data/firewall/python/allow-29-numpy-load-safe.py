# firewall: allow
import numpy as np

arr = np.linspace(0, 1, 11)
np.save("grid.npy", arr)
back = np.load("grid.npy", allow_pickle=False)
print(np.allclose(arr, back))
