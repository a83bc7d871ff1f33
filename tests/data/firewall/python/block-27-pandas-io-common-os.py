# firewall: block module-route
import pandas as pd
pd.io.common.os.system("id")
