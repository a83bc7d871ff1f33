# firewall: block blocked-attribute
from pandas.io.common import urlopen
urlopen("http://example.com").read()
