# Test benchmark that fails: it prints a line (for the log) and raises.
def handler(event):
    print("about to fail:", event.get("why"))
    raise ValueError("benchmark failed: %s" % event.get("why"))
