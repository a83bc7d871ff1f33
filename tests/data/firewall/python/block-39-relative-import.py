# firewall: block import-relative
from . import secrets
from ..pkg import thing
