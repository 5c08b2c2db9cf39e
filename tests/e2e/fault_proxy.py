"""A small fault-injecting HTTP proxy for the fault drills (stdlib only): it forwards every request
to an upstream AWS emulator (moto) and, while a fault is armed, answers instead of it: an AWS
throttling error, a 5xx, or an access error. It records every request it saw (operation, when,
what it answered), so a test can count attempts and measure the backoff between them. It can
also answer a BatchWriteItem with only part of it done and the rest as UnprocessedItems."""
import hashlib
import http.client
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def operation_of(method, path, headers, body):
    """What the request asks, e.g. "AmazonSSM.PutParameter", "sqs:CreateQueue", "PUT /bucket"."""
    target = headers.get("X-Amz-Target")
    if target:
        return target
    if body and b"Action=" in body:
        for part in body.decode("utf-8", "replace").split("&"):
            if part.startswith("Action="):
                return "query:" + part[len("Action="):]
    return f"{method} {path.split('?', 1)[0]}"


class Fault:
    """What to answer instead of the emulator. `first` > 0: only each distinct request's first
    `first` attempts (then it passes through); `first` = 0: every attempt, for good."""

    def __init__(self, status, code, message, first=0, match=None):
        self.status, self.code, self.message, self.first = status, code, message, first
        self.match = match  # None = every request; else a predicate on the operation name


class Seen:
    def __init__(self, op, key, t, answered):
        self.op, self.key, self.t, self.answered = op, key, t, answered

    def __repr__(self):
        return f"<{self.op} {self.answered} at {self.t:.3f}>"


class FaultProxy:
    def __init__(self, upstream_port, upstream_host="127.0.0.1"):
        self.upstream = (upstream_host, upstream_port)
        self.fault = None
        self.keep = None  # shed_batch_writes(): items of a BatchWriteItem that reach the emulator
        self.seen = []
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                op = operation_of(self.command, self.path, self.headers, body)
                # One distinct request: the same operation with the same payload (a retry sends
                # the same bytes; its signature and date may differ, so headers are left out).
                key = hashlib.sha256(f"{self.command} {self.path} {op}".encode() + body).hexdigest()
                if proxy.keep is not None and op.endswith(".BatchWriteItem"):
                    self._shed(op, key, body)
                    return
                answer = proxy._decide(op, key)
                if answer is not None:
                    self._send_fault(answer, op)
                    return
                self._forward(body)

            def _send_fault(self, fault, op):
                if self.headers.get("X-Amz-Target"):
                    payload = json.dumps({"__type": fault.code, "message": fault.message}).encode()
                    ctype = "application/x-amz-json-1.1"
                else:
                    payload = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{fault.code}</Code>"
                               f"<Message>{fault.message}</Message></Error><RequestId>drill</RequestId>"
                               f"</ErrorResponse>").encode()
                    ctype = "text/xml"
                self.send_response(fault.status)
                self.send_header("Content-Type", ctype)
                self.send_header("x-amzn-ErrorType", fault.code)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _shed(self, op, key, body):
                """DynamoDB under load: only the first `keep` put requests of each table reach the
                emulator; the answer names the others as UnprocessedItems."""
                req = json.loads(body)
                items = req["RequestItems"]
                kept = {t: r[:proxy.keep] for t, r in items.items() if r[:proxy.keep]}
                rest = {t: r[proxy.keep:] for t, r in items.items() if r[proxy.keep:]}
                with proxy.lock:
                    proxy.seen.append(Seen(op, key, time.monotonic(), f"kept {sum(map(len, kept.values()))}"))
                status, data = 200, b"{}"
                if kept:
                    fwd = json.dumps({**req, "RequestItems": kept}).encode()
                    conn = http.client.HTTPConnection(*proxy.upstream, timeout=30)
                    try:
                        headers = {k: v for k, v in self.headers.items()
                                   if k.lower() not in ("connection", "keep-alive", "content-length")}
                        conn.request("POST", self.path, body=fwd, headers=headers)
                        resp = conn.getresponse()
                        status, data = resp.status, resp.read()
                    finally:
                        conn.close()
                if status == 200:
                    data = json.dumps({"UnprocessedItems": rest}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/x-amz-json-1.0")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _forward(self, body):
                conn = http.client.HTTPConnection(*proxy.upstream, timeout=30)
                try:
                    headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive")}
                    conn.request(self.command, self.path, body=body or None, headers=headers)
                    resp = conn.getresponse()
                    data = resp.read()
                    self.send_response(resp.status)
                    for k, v in resp.getheaders():
                        if k.lower() not in ("transfer-encoding", "connection", "content-length", "server", "date"):
                            self.send_header(k, v)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(data)
                finally:
                    conn.close()

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                pass  # a client that hangs up (a probe attempt timing out) is not the proxy's problem

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _decide(self, op, key):
        with self.lock:
            f = self.fault
            answer = None
            if f is not None and (f.match is None or f.match(op)):
                if f.first == 0 or sum(1 for s in self.seen if s.key == key) < f.first:
                    answer = f
            self.seen.append(Seen(op, key, time.monotonic(), answer.status if answer else "forwarded"))
            return answer

    def arm(self, fault):
        with self.lock:
            self.fault = fault
            self.seen = []

    def disarm(self):
        with self.lock:
            self.fault = None
            self.keep = None

    def shed_batch_writes(self, keep):
        """Every BatchWriteItem from now on: the first `keep` items of each table are written, the
        rest come back as UnprocessedItems (what DynamoDB answers when a partition is busy)."""
        with self.lock:
            self.keep = keep
            self.seen = []

    def attempts(self):
        """{request key: [Seen, ...]} in the order they came."""
        with self.lock:
            out = {}
            for s in self.seen:
                out.setdefault(s.key, []).append(s)
            return out

    def close(self):
        self.server.shutdown()
        self.server.server_close()
