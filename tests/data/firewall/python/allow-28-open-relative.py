# firewall: allow
import csv

with open("results.csv", "w", newline="") as f:
    writer = csv.writer(f)
    writer.writerow(["year", "value"])
    for year in range(5):
        writer.writerow([year, 1000 * 1.05 ** year])
with open("results.csv") as f:
    print(f.read().count("\n"))
