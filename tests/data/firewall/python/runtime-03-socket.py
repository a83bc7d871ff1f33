# firewall: runtime socket.
# static: block
import socket
socket.socket()
