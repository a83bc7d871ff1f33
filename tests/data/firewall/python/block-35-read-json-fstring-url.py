# firewall: block url-read
import pandas as pd
host = "example.com"
df = pd.read_json(f"https://{host}/x.json")
