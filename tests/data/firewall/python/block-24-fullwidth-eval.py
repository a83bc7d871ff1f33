# firewall: block blocked-name
ｅｖａｌ("__import__('os')")
