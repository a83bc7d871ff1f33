# firewall: block dunder-attribute
import pandas as pd
g = pd.read_csv.__globals__
d = pd.__dict__
