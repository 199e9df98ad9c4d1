"""The kit's fake LLM server as a child process on a free port, for the scripts in this folder (stdlib only)."""
import os
import subprocess
import sys
import time


def start(kit, folder):
    """Starts `fake_llm.py` from the kit folder `kit`, its port file in `folder`; returns (process, port)."""
    port_file = os.path.join(folder, "port")
    server = subprocess.Popen([sys.executable, os.path.join(kit, "fake_llm.py"), "--port", "0",
                               "--port-file", port_file], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while not os.path.exists(port_file) or not open(port_file).read().strip():
            if server.poll() is not None:
                sys.exit(f"the kit's fake server exited with {server.returncode}")
            time.sleep(0.05)
        return server, int(open(port_file).read())
    except BaseException:
        server.terminate()
        raise
