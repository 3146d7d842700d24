import os
import time


def _first(event):
    marker = event.get("once")
    if not marker:
        return True
    if os.path.exists(marker):
        return False
    with open(marker, "w") as f:
        f.write("seen")
    return True


def handler(event):
    mode = event.get("mode", "ok")
    if mode != "env" and mode != "ok" and _first(event):
        if mode == "crash":
            raise RuntimeError("asked to crash")
        if mode == "exit":
            os._exit(3)
        if mode == "hang":
            time.sleep(30)
        if mode == "nonjson":
            return float("nan")
    if mode == "env":
        return {"env": dict(os.environ)}
    return {"ok": True}
