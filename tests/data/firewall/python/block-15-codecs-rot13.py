# firewall: block import-not-allowed
import codecs
name = codecs.decode("riny", "rot13")
