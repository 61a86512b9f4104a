"""What a distributed search's chief and workers share: the token check, the hello call and the
files each worker keeps in the shared search folder.

Keras Tuner's gRPC service has no authentication. The chief's server gets a
:class:`TokenInterceptor` that refuses every call (Keras Tuner's and ours) without the shared
token in its metadata, and workers add the token to every call through a client interceptor.
Beyond loopback the channel is TLS with a certificate the worker pins (:mod:`.security`), so
the token never crosses the network in the clear.

Files in the search folder, one pair per worker (written only by that worker; the chief reads):

``workers/<name>.json``
    the heartbeat: name, host, pid, device, status, trial_id, number, seq (rewritten every
    :data:`HEARTBEAT_S`; the chief judges liveness by when ``seq`` last changed on *its* clock,
    so clocks need not agree between machines);
``workers/<name>.events.jsonl``
    the worker's trial events (:mod:`app.core.search.events`), each with ``"worker": name``.

No TensorFlow here: the window and the CLI import this module.
"""
from __future__ import annotations

import collections
import hmac
import json
import os
import re
import socket
import time
from pathlib import Path

import grpc

from app.core.distributed.security import Refusals

TOKEN_METADATA = "x-tunestudio-token"
HELLO_METHOD = "/tunestudio.Chief/Hello"
WORKERS_DIR = "workers"
HEARTBEAT_S = 1.0
# A worker whose heartbeat has not changed for this long is lost: its trial goes back to the queue.
LOST_AFTER_S = float(os.environ.get("TUNESTUDIO_WORKER_LOST_AFTER_S", "20"))


class ChiefUnreachable(RuntimeError):
    """No answer from the chief within the wait."""


class ChiefRefused(RuntimeError):
    """The chief answered but refused this worker (token)."""


# --------------------------------------------------------------------------- names and addresses


def worker_name(name: str | None = None) -> str:
    """A file-safe worker name; Keras Tuner treats any tuner id containing "chief" as the chief."""
    if not name:
        name = f"{socket.gethostname().split('.')[0]}-{os.getpid()}"
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-.")[:60] or "worker"
    return safe.replace("chief", "chf")


def parse_address(text: str, default_port: int | None = None) -> tuple[str, int]:
    """``HOST:PORT`` (``[v6]:PORT`` too) -> (host, port); ValueError with a readable message."""
    text = (text or "").strip()
    match = re.fullmatch(r"\[([0-9A-Fa-f:.]+)\]:(\d+)|([^:\s]+):(\d+)|([^:\s]+)", text)
    if not match:
        raise ValueError(f"'{text}' is not HOST:PORT")
    host = match.group(1) or match.group(3) or match.group(5)
    port_text = match.group(2) or match.group(4)
    if port_text is None:
        if default_port is None:
            raise ValueError(f"'{text}': give the port too (HOST:PORT)")
        port_text = str(default_port)
    port = int(port_text)
    if not 0 < port < 65536:
        raise ValueError(f"'{text}': the port must be from 1 to 65535")
    return host, port


def join_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def connect_host(listen_host: str) -> str:
    """Where a worker on the chief's own machine connects when the chief listens on ``listen_host``."""
    return {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(listen_host, listen_host)


# --------------------------------------------------------------------------- files


def workers_dir(search_dir: str | Path) -> Path:
    return Path(search_dir) / WORKERS_DIR


def heartbeat_path(search_dir: str | Path, name: str) -> Path:
    return workers_dir(search_dir) / f"{name}.json"


def events_path(search_dir: str | Path, name: str) -> Path:
    return workers_dir(search_dir) / f"{name}.events.jsonl"


def write_heartbeat(search_dir: str | Path, name: str, state: dict) -> None:
    path = heartbeat_path(search_dir, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(state), encoding="utf-8")
    os.replace(tmp, path)


def read_heartbeats(search_dir: str | Path) -> dict[str, dict]:
    out = {}
    folder = workers_dir(search_dir)
    if not folder.is_dir():
        return out
    for path in folder.glob("*.json"):
        try:
            out[path.stem] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue  # being replaced right now: read it next time
    return out


class EventTail:
    """Reads the complete new lines of every ``workers/*.events.jsonl`` since the last call."""

    def __init__(self, search_dir: str | Path):
        self.folder = workers_dir(search_dir)
        self.offsets: dict[Path, int] = {}

    def read(self) -> list[dict]:
        out = []
        if not self.folder.is_dir():
            return out
        for path in sorted(self.folder.glob("*.events.jsonl")):
            offset = self.offsets.get(path, 0)
            try:
                with open(path, "rb") as fh:
                    fh.seek(offset)
                    data = fh.read()
            except OSError:
                continue
            end = data.rfind(b"\n") + 1  # a line still being written waits for the next call
            self.offsets[path] = offset + end
            for line in data[:end].splitlines():
                try:
                    event = json.loads(line)
                except (json.JSONDecodeError, UnicodeDecodeError):
                    continue
                if isinstance(event, dict) and "type" in event:
                    event.setdefault("worker", path.name[: -len(".events.jsonl")])
                    out.append(event)
        return out


# --------------------------------------------------------------------------- token


class TokenInterceptor(grpc.ServerInterceptor):
    """Refuses every call whose metadata lacks the shared token (compared in constant time); each
    refusal is counted and delayed by ``refusals`` (:class:`.security.Refusals`)."""

    def __init__(self, token: str, refusals: Refusals | None = None):
        self._token = token.encode("utf-8")
        self.refusals = refusals or Refusals()

        def refuse(request, context):
            time.sleep(self.refusals.refuse(context.peer()))  # guessing tokens gets slower and slower
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "missing or wrong TuneStudio token")

        self._refusal = grpc.unary_unary_rpc_method_handler(refuse)

    def intercept_service(self, continuation, handler_call_details):
        given = dict(handler_call_details.invocation_metadata or ()).get(TOKEN_METADATA, "")
        if isinstance(given, str):
            given = given.encode("utf-8")
        if hmac.compare_digest(given, self._token):
            return continuation(handler_call_details)
        return self._refusal


class _CallDetails(collections.namedtuple("_CallDetails", ("method", "timeout", "metadata", "credentials",
                                                           "wait_for_ready", "compression")),
                   grpc.ClientCallDetails):
    pass


class _TokenClientInterceptor(grpc.UnaryUnaryClientInterceptor):
    def __init__(self, token: str):
        self._token = token

    def intercept_unary_unary(self, continuation, details, request):
        metadata = list(details.metadata or []) + [(TOKEN_METADATA, self._token)]
        return continuation(_CallDetails(details.method, details.timeout, metadata, details.credentials,
                                         details.wait_for_ready, details.compression), request)


def channel(address: str, token: str | None, tls: dict | None = None) -> grpc.Channel:
    """A channel to the chief that presents ``token`` on every call: TLS trusting only the pinned
    certificate when ``tls`` (``{"pem", "name"}`` from :func:`.security.pin_chief`), else plain."""
    if tls:
        credentials = grpc.ssl_channel_credentials(root_certificates=tls["pem"].encode("ascii"))
        base = grpc.secure_channel(address, credentials, options=[("grpc.ssl_target_name_override", tls["name"])])
    else:
        base = grpc.insecure_channel(address)
    return grpc.intercept_channel(base, _TokenClientInterceptor(token)) if token else base


# --------------------------------------------------------------------------- hello


def hello_handler(answer) -> grpc.GenericRpcHandler:
    """Serves ``Hello``: ``answer(request: dict) -> dict`` (JSON both ways)."""
    def call(request: bytes, context) -> bytes:
        try:
            data = json.loads(request or b"{}")
        except json.JSONDecodeError:
            data = {}
        return json.dumps(answer(data)).encode("utf-8")

    service, method = HELLO_METHOD.strip("/").split("/")
    return grpc.method_handlers_generic_handler(service, {method: grpc.unary_unary_rpc_method_handler(call)})


def hello(address: str, token: str | None, wait: float, worker: str = "", tls: dict | None = None) -> dict:
    """Ask the chief about its search, waiting up to ``wait`` seconds for it to answer.

    Returns ``{"search_dir", "search_id", "status", ...}``; raises :class:`ChiefUnreachable` or
    :class:`ChiefRefused` with a message for the user.
    """
    deadline = time.monotonic() + wait
    with channel(address, token, tls) as ch:
        call = ch.unary_unary(HELLO_METHOD)
        try:
            reply = call(json.dumps({"worker": worker}).encode("utf-8"), timeout=max(0.5, wait),
                         wait_for_ready=True)
        except grpc.RpcError as exc:
            code = exc.code() if hasattr(exc, "code") else None
            if code == grpc.StatusCode.UNAUTHENTICATED:
                raise ChiefRefused(f"the chief at {address} refused this worker: its --token is missing "
                                   "or differs from the chief's") from None
            if code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED) \
                    or time.monotonic() >= deadline:
                host, _, port = address.rpartition(":")
                raise ChiefUnreachable(
                    f"no chief answered at {address} within {wait:.0f} s: check that "
                    f"'tunestudio search --distributed' runs there, that the address is right, and that "
                    f"the firewall lets TCP port {port} through") from None
            raise ChiefUnreachable(f"the chief at {address} failed to answer: "
                                   f"{exc.details() if hasattr(exc, 'details') else exc}") from None
    return json.loads(reply)
