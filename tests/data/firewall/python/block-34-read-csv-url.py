# firewall: block url-read
import pandas as pd
df = pd.read_csv("http://example.com/prices.csv")
