# firewall: block module-route
import dataclasses
dataclasses.sys.modules["os"].system("id")
