#!/usr/bin/env python3
"""A stand-in Docker endpoint that can go away: forwards a unix socket to the real engine's socket until killed.

The fault matrix points DOCKER_HOST here and kills this process mid-experiment, which looks to Sebs exactly like the
engine stopping, without stopping the shared dockerd the other test files use. On SIGTERM every open connection
(including keep-alive ones) is closed at once.

usage: docker-socket-proxy.py <listen.sock> [<engine.sock>]
"""
import asyncio
import os
import signal
import sys


async def pipe(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def main(listen, engine):
    tasks = set()

    async def handle(client_reader, client_writer):
        try:
            engine_reader, engine_writer = await asyncio.open_unix_connection(engine)
        except OSError:
            client_writer.close()
            return
        for t in (asyncio.ensure_future(pipe(client_reader, engine_writer)), asyncio.ensure_future(pipe(engine_reader, client_writer))):
            tasks.add(t)
            t.add_done_callback(tasks.discard)

    if os.path.exists(listen):
        os.unlink(listen)
    server = await asyncio.start_unix_server(handle, path=listen)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    print("ready", flush=True)
    await stop.wait()
    server.close()
    for t in list(tasks):
        t.cancel()
    os.unlink(listen)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "/var/run/docker.sock"))
