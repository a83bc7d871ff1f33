# firewall: block pickle
import numpy as np
flag = True
np.load("x.npy", allow_pickle=flag)
