#!/usr/bin/env python3
"""A Prometheus that answers every /api/v1/query after a fixed delay, for the service's
benchmarks: asyncio, keep-alive, no thread per request, so thousands of queries can wait at
once and the backend is not what limits the measurement (the tests' fake_backend.py is a thread
per request). Prints its port, then serves until stdin closes.

Usage: slow_backend.py DELAY_MS [SERIES]   (SERIES per answer, 1 by default)
GET /connections answers how many connections were accepted so far.
"""
import asyncio
import sys



def answer(series):
    """An HTTP answer holding a Prometheus vector of `series` series."""
    result = b",".join(b'{"metric":{"job":"api","instance":"host-%d"},"value":[1714565400,"0.25"]}' % i for i in range(series))
    body = b'{"status":"success","data":{"resultType":"vector","result":[' + result + b"]}}"
    return b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body


ANSWER = answer(int(sys.argv[2]) if len(sys.argv) > 2 else 1)


class Backend(asyncio.Protocol):
    accepted = 0

    def __init__(self, delay):
        self.delay = delay
        self.buffer = b""

    def connection_made(self, transport):
        Backend.accepted += 1
        self.transport = transport

    def data_received(self, data):
        self.buffer += data
        loop = asyncio.get_running_loop()
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head, self.buffer = self.buffer[:end], self.buffer[end + 4:]
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            self.buffer = self.buffer[length:]
            if head.startswith(b"GET /connections"):
                text = str(Backend.accepted).encode()
                self.transport.write(b"HTTP/1.1 200 OK\r\nContent-Length: " + str(len(text)).encode() + b"\r\n\r\n" + text)
                continue
            loop.call_later(self.delay, self.answer)

    def answer(self):
        if not self.transport.is_closing():
            self.transport.write(ANSWER)


async def main():
    delay = float(sys.argv[1]) / 1000
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: Backend(delay), "127.0.0.1", 0, backlog=4096)
    print(server.sockets[0].getsockname()[1], flush=True)
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
