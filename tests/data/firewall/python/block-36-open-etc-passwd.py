# firewall: block path-outside-workdir
print(open('/etc/passwd').read())
