# firewall: block path-outside-workdir
import pandas as pd
df = pd.read_excel("/home/user/Documents/salary.xlsx")
