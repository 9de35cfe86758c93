#!/usr/bin/python3
"""An HTTP server that answers only connections that come through sshd (issue 13).

Runs on the remote host of tests/tendremote.py (tests/remote-units/tend-remote-http.service),
bound to 127.0.0.1. Both sandboxes share the network namespace, so a client on the local
side could reach it directly too: to prove that Tend's check goes through its SSH port
forward, this server looks at who holds the other end of each connection and answers 200
with the file only when that process is an sshd (the forward's direct-tcpip channel),
403 otherwise.

Usage: remote-http-forward-only.py PORT DIRECTORY
"""
import http.server
import os
import sys


def socket_inode(port):
    """The inode of the TCP socket whose local address is 127.0.0.1:@port."""
    want = "0100007F:%04X" % port
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            fields = line.split()
            if fields[1] == want:
                return fields[9]
    return None


def owner(inode):
    """The name (comm) of the process holding socket @inode, or None."""
    link = f"socket:[{inode}]"
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                try:
                    if os.readlink(f"/proc/{pid}/fd/{fd}") == link:
                        with open(f"/proc/{pid}/comm") as f:
                            return f.read().strip()
                except OSError:
                    continue
        except OSError:
            continue
    return None


class Handler(http.server.SimpleHTTPRequestHandler):
    def do_GET(self):
        peer = owner(socket_inode(self.client_address[1]) or "none")
        if peer != "sshd":
            body = f"not through sshd: the client is {peer}\n".encode()
            self.send_response(403)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()


if __name__ == "__main__":
    port, directory = int(sys.argv[1]), sys.argv[2]
    handler = lambda *a, **kw: Handler(*a, directory=directory, **kw)  # noqa: E731
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        server.serve_forever()
