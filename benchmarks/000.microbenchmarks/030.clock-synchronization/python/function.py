import csv
import os
import socket
import tempfile
import time
import uuid

from . import storage

TIMEOUT_S = 4
MAX_TIMEOUTS = 7


def handler(event):
    """Clock synchronisation with a UDP server on the benchmarking client, as the invocation-overhead experiment uses it.

    Exchanges datagrams until `repetitions` consecutive round trips are no faster than the fastest seen so far,
    then sends "stop". Each exchange (id, send and receive time) goes to a CSV in storage; the client merges it
    with its own record to estimate the clock drift. Gives up after MAX_TIMEOUTS timeouts in total: with some
    exchanges done the CSV is still written and the result says so; with none, the invocation fails.
    """
    income_timestamp = event.get("income-timestamp", time.time())
    request_id = str(event.get("request-id") or uuid.uuid4().hex)
    address = event["server-address"]
    port = int(event["server-port"])
    repetitions = int(event["repetitions"])
    bucket = event["bucket"]["bucket"]
    output_prefix = event["bucket"]["output"]

    rows = []
    timeouts = 0
    best = None
    not_faster = 0
    message_id = 0
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(TIMEOUT_S)
    try:
        while not_faster < repetitions and timeouts < MAX_TIMEOUTS:
            send_ts = time.time()
            sock.sendto(str(message_id).encode(), (address, port))
            try:
                sock.recvfrom(1024)
            except socket.timeout:
                timeouts += 1
                message_id += 1
                continue
            recv_ts = time.time()
            rows.append((message_id, send_ts, recv_ts))
            rtt = recv_ts - send_ts
            if best is None or rtt < best:
                best = rtt
                not_faster = 0
            else:
                not_faster += 1
            message_id += 1
        sock.sendto(b"stop", (address, port))
    finally:
        sock.close()

    if not rows:
        raise RuntimeError("no reply from %s:%d after %d timeouts" % (address, port, timeouts))
    path = os.path.join(tempfile.mkdtemp(), "data.csv")
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "client_send", "client_rcv"])
        writer.writerows(rows)
    key = storage.storage.get_instance().upload(bucket, "%s/results-%s.csv" % (output_prefix, request_id), path)
    os.remove(path)
    return {
        "result": {"bucket-key": key, "timestamp": income_timestamp},
        "measurement": {"exchanges": len(rows), "timeouts": timeouts, "complete": not_faster >= repetitions,
                        "min_rtt": best * 1e6},
    }
