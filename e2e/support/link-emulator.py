"""
A network link with delay, jitter and loss, for the NAT lab (e2e/support/nat-lab.ts): this kernel
has no netem, so frames cross the link through this process. It makes a TAP device in each of two
network namespaces (the first where it starts, the second by setns), and copies every Ethernet frame
from one to the other after `delay_ms` ± up to `jitter_ms` (uniform), dropping each with probability
`loss_percent` / 100, in both directions. Jitter never reorders a direction's frames (a frame
leaves no earlier than the one before it), as on a real access link where delay varies with the
queue, not per packet. Prints "ready" once both devices exist; stops on SIGTERM.

usage: link-emulator.py <tap-here> <netns-path-there> <tap-there> <delay-ms> <loss-percent> [<jitter-ms>]
"""
import ctypes
import fcntl
import heapq
import os
import random
import select
import signal
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
CLONE_NEWNET = 0x40000000


def open_tap(name: str) -> int:
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI))
    return fd


def enter_netns(path: str) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    with open(path) as netns:
        if libc.setns(netns.fileno(), CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns {path}")


def main() -> None:
    here_name, there_path, there_name, delay_ms, loss_percent = sys.argv[1:6]
    delay = float(delay_ms) / 1000
    loss = float(loss_percent) / 100
    jitter = float(sys.argv[6]) / 1000 if len(sys.argv) > 6 else 0.0
    here = open_tap(here_name)
    enter_netns(there_path)
    there = open_tap(there_name)
    other = {here: there, there: here}
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("ready", flush=True)
    queue: list = []
    sequence = 0
    # Per destination: when the last frame queued for it leaves (jitter must not reorder).
    last_departure = {here: 0.0, there: 0.0}
    while True:
        timeout = max(0.0, queue[0][0] - time.monotonic()) if queue else None
        readable, _, _ = select.select([here, there], [], [], timeout)
        now = time.monotonic()
        for fd in readable:
            while True:
                try:
                    frame = os.read(fd, 65536)
                except BlockingIOError:
                    break
                if loss > 0 and random.random() < loss:
                    continue
                sequence += 1
                to = other[fd]
                spread = random.uniform(-jitter, jitter) if jitter > 0 else 0.0
                departure = max(now + max(0.0, delay + spread), last_departure[to])
                last_departure[to] = departure
                heapq.heappush(queue, (departure, sequence, to, frame))
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, _, fd, frame = heapq.heappop(queue)
            try:
                os.write(fd, frame)
            except (BlockingIOError, OSError):
                pass  # a full queue drops the frame, as a congested link would


if __name__ == "__main__":
    main()
