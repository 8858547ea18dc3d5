"""Where a request goes: the suite's GETs leave the Client (conformance/client.py) through one httpx transport, a
stack of small layers behind httpx's own seam (`BaseTransport.handle_request`), built by stack.py.

Outermost first: throttling.py (429/503 waited out and sent again), recording.py (--record: what went out, masked),
resend.py (a reset or a cold start sent again; failures said as errors.py's), silence.py (a target gone silent stops
the run), limits.py (request budget, rate, run time, one in flight while throttled), then live.py (the network:
deadlines.py bounds each request end to end, decoding.py its body) or replay.py (--from-har: a recording, no socket).
base.py holds what the layers share; budget.py the time a process may wait for a throttling target and its tally
(plain data, read by the reports without the HTTP client).
"""
