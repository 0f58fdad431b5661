"""The drills' own servers, each run as a process of its own: ``python -m bench.drills.services gate|sink ...``.

- ``gate LISTEN TARGET``: a TCP proxy from 127.0.0.1:LISTEN to 127.0.0.1:TARGET. SIGUSR1 drops every
  connection and stops listening (clients get "connection refused"); SIGUSR2 listens again.
- ``sink PORT RECORD MODEFILE``: an aiosmtpd SMTP server. Each recipient it accepts (or refuses) becomes
  one JSON line in RECORD; MODEFILE says ``accept``, ``tempfail`` (451) or ``reject`` (550).
"""

from __future__ import annotations

import asyncio
import json
import re
import signal
import sys
import time
from pathlib import Path


def gate(listen: int, target: int) -> None:
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    writers: set[asyncio.StreamWriter] = set()
    state: dict = {"server": None}

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def handle(client_reader, client_writer) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", target)
        except OSError:
            client_writer.close()
            return
        writers.update((client_writer, upstream_writer))
        try:
            await asyncio.gather(pipe(client_reader, upstream_writer), pipe(upstream_reader, client_writer))
        finally:
            writers.discard(client_writer)
            writers.discard(upstream_writer)

    async def open_gate() -> None:
        if state["server"] is None:
            state["server"] = await asyncio.start_server(handle, "127.0.0.1", listen, reuse_address=True)

    def cut() -> None:
        server = state.pop("server", None)
        state["server"] = None
        if server is not None:
            server.close()
        for writer in list(writers):
            transport = writer.transport
            transport.abort()  # RST: the client sees the connection die, as when the host goes away
        writers.clear()

    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGUSR1, cut)
    loop.add_signal_handler(signal.SIGUSR2, lambda: loop.create_task(open_gate()))
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.run_until_complete(open_gate())
    loop.run_until_complete(stop.wait())
    cut()


_HEADER = re.compile(rb"^(Message-ID|Subject):\s*(.*?)\r?$", re.I | re.M)


def sink(port: int, record: Path, mode_file: Path) -> None:
    from aiosmtpd.controller import Controller

    out = record.open("a", buffering=1)
    cache = {"mtime": 0.0, "mode": "accept"}

    def mode() -> str:
        mtime = mode_file.stat().st_mtime
        if mtime != cache["mtime"]:
            cache["mtime"], cache["mode"] = mtime, mode_file.read_text().strip()
        return cache["mode"]

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            current = mode()
            head = envelope.content.split(b"\r\n\r\n", 1)[0]
            headers = {k.decode().lower(): v.decode(errors="replace") for k, v in _HEADER.findall(head)}
            now = time.time()
            refused = {"tempfail": 451, "reject": 550}.get(current)
            for rcpt in envelope.rcpt_tos:
                item = {"t": now, "rcpt": rcpt, "mid": headers.get("message-id", ""),
                        "subject": headers.get("subject", ""), "from": envelope.mail_from or ""}  # fmt: skip
                if refused:
                    item["refused"] = refused
                out.write(json.dumps(item) + "\n")
            if refused == 451:
                return "451 4.3.0 Drill: try again later"
            if refused == 550:
                return "550 5.1.1 Drill: mailbox unavailable"
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.run_until_complete(stop.wait())
    controller.stop()
    out.close()


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "gate":
        gate(int(args[0]), int(args[1]))
    elif command == "sink":
        sink(int(args[0]), Path(args[1]), Path(args[2]))
    else:
        raise SystemExit(f"unknown service {command}")
