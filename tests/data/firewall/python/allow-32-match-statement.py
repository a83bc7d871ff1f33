# firewall: allow
def classify(txn):
    match txn:
        case {"kind": "income", "amount": amt} if amt > 0:
            return "income"
        case {"kind": "expense"}:
            return "expense"
        case _:
            return "unknown"

print([classify(t) for t in ({"kind": "income", "amount": 5}, {"kind": "expense"}, {})])
