"""A minimal places API: /health for devenv's probe, /places as a placeholder."""
import json
import os
from http.server import BaseHTTPRequestHandler, HTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/health":
            body = {"status": "ok"}
        elif self.path == "/places":
            body = {"places": [], "database": bool(os.environ.get("DATABASE_URL") or os.environ.get("DATABASE_PASSWORD_FILE"))}
        else:
            self.send_error(404)
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8080"))
    print(f"api listening on {port}", flush=True)
    HTTPServer(("0.0.0.0", port), Handler).serve_forever()
