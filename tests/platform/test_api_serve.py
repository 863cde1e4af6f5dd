"""``permille serve --demo`` creates, migrates and seeds the embedded SQLite database on first run, prints
its address and the demo accounts, and serves the API and the web pages."""

import os
import socket
import subprocess
import sys
import time

import httpx


def test_serve_starts_on_a_new_sqlite_database(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "PERMILLE_DATABASE_URL"} | {
        "PERMILLE_HOME": str(tmp_path)
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "permille.cli",
            "serve",
            "--demo",
            "--port",
            str(port),
            "--toolkit-workers",
            "0",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/projects", timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stdout.read()
                time.sleep(0.3)
        assert response.status_code == 200 and "items" in response.json()
        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 200
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert f"serving the platform at http://127.0.0.1:{port}/" in output
    assert "demo account (secretariat):" in output
    assert (tmp_path / "permille.db").exists()
