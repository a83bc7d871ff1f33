# firewall: block blocked-name
name = "".join(["s", "y", "s"])
mod = __import__(name)
