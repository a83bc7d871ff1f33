# firewall: allow
from datetime import date, timedelta
import calendar

start = date(2025, 1, 31)
dates = []
for i in range(12):
    month = (start.month - 1 + i) % 12 + 1
    year = start.year + (start.month - 1 + i) // 12
    day = min(start.day, calendar.monthrange(year, month)[1])
    dates.append(date(year, month, day))
print(dates[-1] - dates[0] + timedelta(days=1))
