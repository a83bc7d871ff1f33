# firewall: allow
# no subprocess here, no os.system, no eval() and no __import__('os')
# getattr(__builtins__, 'eval') would be refused, this is only a comment
total = 0
for x in range(10):  # import socket
    total += x
print(total)
