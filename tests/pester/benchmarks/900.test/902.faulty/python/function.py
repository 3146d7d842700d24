import time


def handler(event):
    if event.get("fail"):
        raise ValueError("asked to fail")
    time.sleep(float(event.get("sleep", 0)))
    return {"result": "ok"}
