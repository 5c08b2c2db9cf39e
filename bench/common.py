"""What the benchmarks share: finding host ports nobody uses (others run containers here too)."""
import random
import socket
import sys


def port_free(port):
    """True when nothing listens on the port (any address, IPv4 or IPv6)."""
    for family, addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
        s = socket.socket(family, socket.SOCK_STREAM)
        try:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            s.bind((addr, port))
        except OSError:
            return False
        finally:
            s.close()
    return True


def pick_offset(ports, taken=()):
    """A --port-offset that puts every one of `ports` on a free host port, away from `taken`."""
    rng = random.Random()
    for _ in range(500):
        off = rng.randrange(20000, 55000, 10)
        if any(abs(off - t) < 20 for t in taken):
            continue
        if all(port_free(p + off) for p in ports):
            return off
    sys.exit("no free port offset")
