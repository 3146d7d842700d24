import csv
import os
import socket
import tempfile
import time
import uuid

from . import storage

TIMEOUT_S = 3


def handler(event):
    """UDP ping-pong with a server on the benchmarking client; the round-trip timestamps go to storage as CSV.

    Sends repetitions + 1 datagrams and waits for each echo. The first exchange warms the path up and is not
    recorded; the last datagram carries the request id so the server can name its own CSV after it.
    """
    request_id = str(event.get("request-id") or uuid.uuid4().hex)
    address = event["server-address"]
    port = int(event["server-port"])
    repetitions = int(event["repetitions"])
    bucket = event["bucket"]["bucket"]
    output_prefix = event["bucket"]["output"]

    rows = []
    lost = 0
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(TIMEOUT_S)
    try:
        for i in range(repetitions + 1):
            message = request_id if i == repetitions else str(i)
            send_ts = time.time()
            sock.sendto(message.encode(), (address, port))
            try:
                sock.recvfrom(1024)
            except socket.timeout:
                lost += 1
                continue
            recv_ts = time.time()
            if i > 0:
                rows.append((i, send_ts, recv_ts))
    finally:
        sock.close()

    path = os.path.join(tempfile.mkdtemp(), "data.csv")
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "client_send", "client_rcv"])
        writer.writerows(rows)
    key = storage.storage.get_instance().upload(bucket, "%s/results-%s.csv" % (output_prefix, request_id), path)
    os.remove(path)
    return {"result": key, "measurement": {"repetitions": repetitions, "lost": lost}}
