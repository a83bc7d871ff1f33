# firewall: block dunder-attribute
cls = getattr((), "__class__")
