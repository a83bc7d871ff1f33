# firewall: block module-route
import pandas as pd
pd.compat.os.listdir("/")
