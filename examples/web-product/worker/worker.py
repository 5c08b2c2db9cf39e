"""A stand-in worker: announces readiness (devenv's log probe waits for the line) and idles."""
import os
import time

print(f"worker started, queue {os.environ.get('QUEUE', '?')}", flush=True)
while True:
    time.sleep(60)
