"""Real HTTP servers on 127.0.0.1 that stand in for model APIs in tests.

``StubModelServer`` counts every accepted TCP connection (the proof that a refused call sent nothing),
records each request, and answers in the OpenAI chat-completions shape on ``/v1/chat/completions`` and in
the Anthropic Messages shape on ``/v1/messages``, or with a scripted status. ``LlamaServer`` is the real
llama.cpp OpenAI-compatible server (``python -m llama_cpp.server``) running the shipped GGUF.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx2

COMPLETION_TEXT = "We are open from 9 to 5."


@dataclass
class RecordedRequest:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


class _CountingServer(ThreadingHTTPServer):
    daemon_threads = True
    connections = 0

    def process_request(self, request: Any, client_address: Any) -> None:
        self.connections += 1
        super().process_request(request, client_address)


@dataclass
class StubModelServer:
    server: _CountingServer
    requests: list[RecordedRequest] = field(default_factory=list)
    # Status codes for the next requests, in order; 200 with a well-formed answer once they run out.
    statuses: list[int] = field(default_factory=list)
    # Seconds to wait before answering (timeout tests).
    delay_seconds: float = 0.0
    # A body to send verbatim instead of the well-formed answer.
    raw_body: bytes | None = None

    @property
    def connections(self) -> int:
        return self.server.connections

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, path: str) -> dict[str, Any]:
        if path.endswith("/messages"):
            return {
                "id": "msg_stub", "type": "message", "role": "assistant", "model": "claude-stub",
                "content": [{"type": "text", "text": COMPLETION_TEXT}],
                "stop_reason": "end_turn", "usage": {"input_tokens": 21, "output_tokens": 9},
            }
        return {
            "id": "chatcmpl-stub", "object": "chat.completion", "created": 0, "model": "stub",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": COMPLETION_TEXT},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 17, "completion_tokens": 8, "total_tokens": 25},
        }


def _handler(stub: StubModelServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("content-length", "0")))
            headers = {k.lower(): v for k, v in self.headers.items()}
            stub.requests.append(RecordedRequest(self.path, headers, json.loads(raw) if raw else {}))
            if stub.delay_seconds:
                time.sleep(stub.delay_seconds)
            status = stub.statuses.pop(0) if stub.statuses else 200
            if status == 200:
                payload = stub.raw_body if stub.raw_body is not None else json.dumps(stub.answer(self.path)).encode()
            else:
                # What real providers do on a bad key: echo part of it. The gateway must never pass this on.
                key = headers.get("x-api-key") or headers.get("authorization")
                payload = json.dumps({"error": {"message": f"Incorrect API key provided: {key}"}}).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout tests)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@contextmanager
def stub_model_server(port: int = 0) -> Iterator[StubModelServer]:
    """``port``: 0 for any free one; a given port brings a stopped server back where clients expect it."""
    server = _CountingServer(("127.0.0.1", port), BaseHTTPRequestHandler)
    stub = StubModelServer(server)
    server.RequestHandlerClass = _handler(stub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass(frozen=True)
class LlamaServer:
    base_url: str  # the OpenAI-compatible root, ending in /v1
    model: str


@contextmanager
def llama_server(model_path: Path, log_path: Path, *, startup_seconds: float = 180.0) -> Iterator[LlamaServer]:
    """Runs ``python -m llama_cpp.server`` until the context exits; waits for ``/v1/models``."""
    port = free_port()
    command = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(model_path), "--host", "127.0.0.1",
        "--port", str(port), "--n_ctx", "2048", "--n_threads", "2",
    ]
    base_url = f"http://127.0.0.1:{port}/v1"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + startup_seconds
            model = ""
            while not model:
                if process.poll() is not None:
                    raise RuntimeError(f"llama_cpp.server exited with {process.returncode}:\n{_tail(log_path)}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"llama_cpp.server did not start in {startup_seconds} s:\n{_tail(log_path)}")
                try:
                    response = httpx2.get(f"{base_url}/models", timeout=2.0, trust_env=False)
                    if response.status_code == 200:
                        model = str(response.json()["data"][0]["id"])
                except httpx2.HTTPError:
                    pass
                if not model:
                    time.sleep(0.25)
            yield LlamaServer(base_url=base_url, model=model)
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _tail(path: Path) -> str:
    return path.read_text(errors="replace")[-4000:]
