import time


def handler(event):
    # Accept ints and floats so overhead runs can ask for sleep=0.
    sleep_time = event.get("sleep", 0)
    time.sleep(float(sleep_time))
    return {"result": sleep_time}
