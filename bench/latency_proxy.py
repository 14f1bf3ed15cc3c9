"""A TCP proxy that holds back everything it forwards by a fixed time in each direction: a
database on "another machine" for bench/ingest.py, on one machine.

    python bench/latency_proxy.py --listen 6543 --to /var/run/postgresql/.s.PGSQL.5432 --delay-ms 1
    python bench/ingest.py --postgresql postgresql://USER@127.0.0.1:6543/postgres

--to is a Unix socket (PostgreSQL's own, so local "peer" authentication still applies) or
HOST:PORT. asyncio's timers resolve to about a millisecond, so a delay under 1 ms acts as
1 ms; --delay-ms 0 forwards at once and still adds the proxy's own hop. On start it
measures and prints the round trip a client sees through it (a byte echoed by a local
server), so the figure quoted with a measurement is the one it ran with.
"""
import argparse
import asyncio
import time


def forwarder(delay):
    async def forward(reader, writer):
        """Copy reader to writer, each chunk no sooner than `delay` after it arrived."""
        queue = asyncio.Queue()

        async def receive():
            while data := await reader.read(65536):
                queue.put_nowait((time.monotonic() + delay, data))
            queue.put_nowait((0, b""))

        async def send():
            while True:
                due, data = await queue.get()
                if not data:
                    break
                if (wait := due - time.monotonic()) > 0:
                    await asyncio.sleep(wait)
                writer.write(data)
                await writer.drain()
            writer.close()

        await asyncio.gather(receive(), send())

    return forward


async def open_target(target):
    if ":" in target and not target.startswith("/"):
        host, port = target.rsplit(":", 1)
        return await asyncio.open_connection(host, int(port))
    return await asyncio.open_unix_connection(target)


async def serve(listen_port, target, delay):
    forward = forwarder(delay)

    async def connect(client_reader, client_writer):
        try:
            server_reader, server_writer = await open_target(target)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(forward(client_reader, server_writer), forward(server_reader, client_writer),
                             return_exceptions=True)

    return await asyncio.start_server(connect, "127.0.0.1", listen_port)


async def measured_round_trip(delay, rounds=200):
    """Milliseconds per round trip through a proxy with this delay, to a local echo server."""
    async def echo(reader, writer):
        while data := await reader.read(1):
            writer.write(data)
            await writer.drain()
        writer.close()

    echo_server = await asyncio.start_server(echo, "127.0.0.1", 0)
    echo_port = echo_server.sockets[0].getsockname()[1]
    proxy = await serve(0, f"127.0.0.1:{echo_port}", delay)
    reader, writer = await asyncio.open_connection("127.0.0.1", proxy.sockets[0].getsockname()[1])
    started = time.perf_counter()
    for _ in range(rounds):
        writer.write(b"x")
        await reader.readexactly(1)
    elapsed = time.perf_counter() - started
    writer.close()
    proxy.close()
    echo_server.close()
    return elapsed / rounds * 1000


async def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listen", type=int, required=True, metavar="PORT", help="port on 127.0.0.1")
    parser.add_argument("--to", required=True, metavar="SOCKET|HOST:PORT")
    parser.add_argument("--delay-ms", type=float, default=1.0, help="added in each direction")
    options = parser.parse_args()
    delay = options.delay_ms / 1000
    round_trip = await measured_round_trip(delay)
    server = await serve(options.listen, options.to, delay)
    print(f"127.0.0.1:{options.listen} -> {options.to}, {options.delay_ms} ms each way: "
          f"{round_trip:.2f} ms per round trip measured through it", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
