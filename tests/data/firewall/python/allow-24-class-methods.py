# firewall: allow
class Account:
    def __init__(self, owner, balance=0.0):
        self.owner = owner
        self._balance = balance

    def deposit(self, amount):
        if amount <= 0:
            raise ValueError("deposit must be positive")
        self._balance += amount
        return self._balance

    def __repr__(self):
        return f"Account({self.owner!r}, {self._balance:.2f})"

    def __eq__(self, other):
        return isinstance(other, Account) and self._balance == other._balance

acct = Account("Ana")
acct.deposit(100)
print(acct, type(acct).__name__)
