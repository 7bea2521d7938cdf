"""What an editor shows for a definition file: the diagnostics of the YAML language server
(the one VS Code's YAML extension runs), which reads the ``# yaml-language-server:
$schema=…`` line and checks the file against planflow.schema.json.

    npm install --prefix /tmp/yls yaml-language-server
    python -m scripts.editor_diagnostics /tmp/yls/node_modules/.bin/yaml-language-server FILE…

Prints ``line:column: message`` per problem (nothing for a valid file); exit code 1 if any.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import IO, Any


def _send(stream: IO[bytes], message: dict[str, Any]) -> None:
    body = json.dumps({"jsonrpc": "2.0", **message}).encode()
    stream.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    stream.flush()


def _read(stream: IO[bytes]) -> dict[str, Any]:
    headers = b""
    while not headers.endswith(b"\r\n\r\n"):
        headers += stream.read(1)
    length = next(
        int(h.split(b":")[1]) for h in headers.split(b"\r\n") if h.lower().startswith(b"content-length")
    )
    message: dict[str, Any] = json.loads(stream.read(length))
    return message


def diagnostics(server: str, path: Path) -> list[str]:
    """The server's diagnostics for ``path``, as ``line:column: message``."""
    proc = subprocess.Popen([server, "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    if proc.stdin is None or proc.stdout is None:
        raise RuntimeError("no pipe to the language server")
    uri = path.resolve().as_uri()
    folder = path.resolve().parent.as_uri()
    document = {"uri": uri, "languageId": "yaml", "version": 1, "text": path.read_text(encoding="utf-8")}
    settings = {"settings": {"yaml": {"validate": True}}}
    try:
        _send(
            proc.stdin, {"id": 1, "method": "initialize", "params": {"rootUri": folder, "capabilities": {}}}
        )
        while _read(proc.stdout).get("id") != 1:
            pass
        _send(proc.stdin, {"method": "initialized", "params": {}})
        _send(proc.stdin, {"method": "workspace/didChangeConfiguration", "params": settings})
        _send(proc.stdin, {"method": "textDocument/didOpen", "params": {"textDocument": document}})
        while True:
            message = _read(proc.stdout)
            if message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri:
                return [_located(d) for d in message["params"]["diagnostics"]]
            if "id" in message and "method" in message:  # a request of the server: answer it
                items = message.get("params", {}).get("items", [None])
                _send(proc.stdin, {"id": message["id"], "result": [{"validate": True}] * len(items)})
    finally:
        proc.kill()
        proc.wait()


def _located(diagnostic: dict[str, Any]) -> str:
    start = diagnostic["range"]["start"]
    return f"{start['line'] + 1}:{start['character'] + 1}: {diagnostic['message']}"


def main() -> None:
    server, *files = sys.argv[1:]
    found = False
    for name in files:
        for line in diagnostics(server, Path(name)):
            print(f"{name}:{line}")
            found = True
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
