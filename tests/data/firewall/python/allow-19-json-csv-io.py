# firewall: allow
import csv
import json
from io import StringIO

raw = "month,spend\nJan,1200\nFeb,1100\n"
rows = list(csv.DictReader(StringIO(raw)))
print(json.dumps({"rows": rows}, indent=2))
