import socket

DEFAULT_TIMEOUT = 20.0


def handler(event):
    address = event.get("ip-address")
    port = event.get("port")
    if not address or port is None:
        raise ValueError("040.server-reply needs 'ip-address' and 'port' in the payload "
                         "(the eviction-model experiment sends them; the size inputs only carry 'sleep')")
    timeout = float(event.get("timeout", DEFAULT_TIMEOUT))
    with socket.create_connection((address, int(port)), timeout=timeout) as conn:
        conn.settimeout(timeout)
        data = conn.recv(1024)
    return {"result": data.decode("utf-8", errors="replace")}
