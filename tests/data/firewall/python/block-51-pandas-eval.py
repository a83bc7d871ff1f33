# firewall: block blocked-attribute
import pandas as pd
pd.eval("1 + 1")
