# firewall: block path-outside-workdir
with open("../../secrets.txt") as f:
    data = f.read()
