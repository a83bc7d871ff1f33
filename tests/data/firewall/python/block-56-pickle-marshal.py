# firewall: block import-not-allowed
import pickle, marshal
pickle.loads(b"")
