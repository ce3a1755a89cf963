"""Run ``streamlit run ...`` with a socket audit hook (the server half of the offline check).

Usage (what ``conftest.py`` does)::

    OUTBOUND_LOG=/tmp/x.log python tests/browser/serve_guarded.py run dashboard/app.py --server.port N ...

The arguments after the script name are passed to Streamlit's own command line,
unchanged. Before Streamlit starts, ``sys.addaudithook`` is installed: every
name lookup (``socket.getaddrinfo``, ``socket.gethostbyname``) and every
outgoing connection (``socket.connect``, ``socket.sendto``) of the server
process whose target is not this machine is appended, one line each, to the
file named by ``OUTBOUND_LOG``. The test ``test_server_makes_no_outside_lookup``
reads that file. Nothing is blocked here: the hook only records.

A UDP ``connect()`` sends no packet (it only picks a route), so it is logged
with the prefix ``udp-connect`` and the tests do not count it as traffic.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys

LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", ""}


def _is_local(host) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).strip("[]").split("%")[0]
    if host.lower() in LOCAL_NAMES:
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name other than localhost: resolving it may ask a DNS server
    return ip.is_loopback or ip.is_unspecified


def install(log_path: str) -> None:
    log = open(log_path, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 (lives as long as the process)

    def hook(event: str, args: tuple) -> None:
        if not event.startswith("socket."):
            return
        try:
            if event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex",
                         "socket.gethostbyaddr"):
                host = args[0]
                if not _is_local(host):
                    log.write(f"lookup {host!s}\n")
            elif event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
                sock, address = args[0], args[-1]
                if not isinstance(address, tuple) or sock.family not in (socket.AF_INET, socket.AF_INET6):
                    return  # unix sockets and the like
                if not _is_local(address[0]):
                    kind = "udp-connect" if (event == "socket.connect" and sock.type == socket.SOCK_DGRAM) else event
                    log.write(f"{kind} {address[0]}:{address[1]}\n")
        except Exception:  # never break the server because of the recorder
            pass

    sys.addaudithook(hook)


if __name__ == "__main__":
    install(os.environ["OUTBOUND_LOG"])
    from streamlit.web import cli

    sys.argv = ["streamlit", *sys.argv[1:]]
    sys.exit(cli.main(prog_name="streamlit"))
