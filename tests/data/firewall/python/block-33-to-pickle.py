# firewall: block blocked-attribute
import pandas as pd
pd.DataFrame({"a": [1]}).to_pickle("x.pkl")
