# firewall: allow
note = "The pension system pays out monthly; exec summary below."
labels = ["operating system upgrade", "__import__ is just text", "import os"]
for label in labels:
    print(label.upper(), len(note))
