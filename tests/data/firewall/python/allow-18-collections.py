# firewall: allow
from collections import Counter, defaultdict, namedtuple, OrderedDict

Txn = namedtuple("Txn", "payee amount")
txns = [Txn("grocer", 45.0), Txn("grocer", 12.5), Txn("rail", 30.0)]
by_payee = defaultdict(float)
for t in txns:
    by_payee[t.payee] += t.amount
print(Counter(t.payee for t in txns).most_common(1), OrderedDict(sorted(by_payee.items())))
