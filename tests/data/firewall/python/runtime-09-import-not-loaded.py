# firewall: runtime import of smtplib
# static: block
import smtplib
