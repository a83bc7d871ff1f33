# firewall: allow
def safe_ratio(a, b):
    try:
        return a / b
    except ZeroDivisionError as exc:
        print("cannot divide:", exc)
        return float("nan")
    finally:
        pass

print(safe_ratio(1, 0), safe_ratio(3, 4))
