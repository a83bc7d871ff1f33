# firewall: block frame-access
def gen():
    yield 1
g = gen()
frame = g.gi_frame.f_back
print(frame.f_globals)
