# firewall: allow
import whatif as wf

rate = wf.param("Interest rate", 0.05)
years = wf.param("Years", 10)
value = 1000 * (1 + rate) ** years
wf.metric("Future value", value)
