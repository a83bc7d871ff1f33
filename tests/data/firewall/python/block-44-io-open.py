# firewall: block import-restricted
import io
io.open("/etc/passwd").read()
