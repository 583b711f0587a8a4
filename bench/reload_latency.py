#!/usr/bin/env python3
"""Save-to-reload latency of `shiyi serve`, median of N edits.

Usage: reload_latency.py --bin SHIYI --root SITE --file REL_PATH [--runs 10]

Starts `SHIYI serve --root SITE --port 0`, opens the live-reload event stream
as an open tab would, then RUNS times changes one line of SITE/REL_PATH (the
last non-empty line gets a different suffix each time, written in place) and
measures from the moment the file is closed to the moment the `reload` event
arrives. Prints each figure, the median, and the server's own build times.
Python 3 standard library only. The file is restored at the end.
"""

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time


def build_id(host, port):
    conn = http.client.HTTPConnection(host, port, timeout=600)
    conn.request("GET", "/")
    page = conn.getresponse().read().decode("utf-8", "replace")
    conn.close()
    found = re.search(r'data-build="([^"]*)"', page)
    if not found:
        sys.exit("the home page has no live script")
    return found.group(1)


class Events:
    """The event stream, read line by line."""

    def __init__(self, host, port, build):
        self.sock = socket.create_connection((host, port), timeout=600)
        self.sock.sendall(("GET /__shiyi/events?build=%s HTTP/1.1\r\nHost: %s\r\n\r\n" % (build, host)).encode())
        self.file = self.sock.makefile("rb")
        while self.file.readline().strip():
            pass  # response head

    def next(self):
        name = data = None
        while True:
            line = self.file.readline()
            if not line:
                sys.exit("event stream closed")
            line = line.decode().rstrip("\r\n")
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data = line[6:]
            elif not line and name:
                return name, data

    def close(self):
        self.file.close()
        self.sock.close()


def edited(text, run):
    lines = text.split("\n")
    last = max(i for i, l in enumerate(lines) if l.strip())
    lines[last] = lines[last] + "（第%d次修改）" % run
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--file", required=True)
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args()
    path = os.path.join(args.root, args.file)
    with open(path, encoding="utf-8") as f:
        original = f.read()
    log = tempfile.TemporaryFile()
    server = subprocess.Popen([args.bin, "serve", "--root", args.root, "--port", "0"],
                              stdout=subprocess.PIPE, stderr=log)
    try:
        started = time.perf_counter()
        line = server.stdout.readline().decode()
        match = re.search(r"http://([0-9.]+):(\d+)/", line)
        if not match:
            sys.exit("serve printed no address: %r" % line)
        host, port = match.group(1), int(match.group(2))
        print("first build and listen: %.0f ms" % ((time.perf_counter() - started) * 1000))
        events = Events(host, port, build_id(host, port))
        figures = []
        for run in range(1, args.runs + 1):
            time.sleep(0.3)
            text = edited(original, run)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            saved = time.perf_counter()
            while True:
                name, data = events.next()
                if name == "reload":
                    break
                if name == "build-error":
                    sys.exit("the edit broke the build: %s" % data)
            ms = (time.perf_counter() - saved) * 1000
            figures.append(ms)
            print("  edit %2d: %7.1f ms" % (run, ms))
            events.close()
            events = Events(host, port, data)
        events.close()
        print("save -> reload event: median %.1f ms (min %.1f, max %.1f) over %d edits"
              % (statistics.median(figures), min(figures), max(figures), len(figures)))
    finally:
        with open(path, "w", encoding="utf-8") as f:
            f.write(original)
        server.terminate()
        server.wait()
        log.seek(0)
        builds = [int(m) for m in re.findall(rb"built \d+ files in (\d+) ms", log.read())]
        if len(builds) > 1:
            print("server's rebuild time: median %d ms (first build %d ms)"
                  % (statistics.median(builds[1:]), builds[0]))


if __name__ == "__main__":
    main()
