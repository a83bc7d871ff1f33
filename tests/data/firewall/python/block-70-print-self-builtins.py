# firewall: block dunder-attribute
b = print.__self__
b.exec("1")
