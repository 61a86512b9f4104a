"""What chief and workers share, without training: the token check, hello, heartbeats, event tails,
the data remapping, and a worker's clear refusal when it cannot reach the chief."""
import json
import os
import subprocess
import sys
from concurrent import futures
from pathlib import Path

import grpc
import pytest

from app.core.distributed import protocol
from app.core.distributed.worker import WorkerError, remap_info

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def chief_server():
    """A gRPC server with the chief's token interceptor and hello call (no Keras Tuner needed)."""
    servers = []

    def start(token):
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=2),
                             interceptors=[protocol.TokenInterceptor(token)] if token else [])
        server.add_generic_rpc_handlers([protocol.hello_handler(lambda req: {"search_dir": "/s", "asked": req})])
        port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        servers.append(server)
        return f"127.0.0.1:{port}"

    yield start
    for server in servers:
        server.stop(0)


def test_token_refuses_workers_without_it(chief_server):
    address = chief_server("s3cret")
    for wrong in (None, "guess"):
        with pytest.raises(protocol.ChiefRefused, match="token"):
            protocol.hello(address, wrong, wait=5)
    answer = protocol.hello(address, "s3cret", wait=5, worker="w1")
    assert answer == {"search_dir": "/s", "asked": {"worker": "w1"}}


def test_without_a_token_anyone_can_say_hello(chief_server):
    assert protocol.hello(chief_server(None), "anything", wait=5)["search_dir"] == "/s"


def test_unreachable_chief_is_reported_after_the_wait():
    with pytest.raises(protocol.ChiefUnreachable, match="firewall lets TCP port 9"):
        protocol.hello("127.0.0.1:9", None, wait=1)


def test_worker_command_says_why_and_exits_non_zero(tmp_path):
    env = {**os.environ, "TUNESTUDIO_HOME": str(tmp_path), "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "app", "worker", "--chief", "127.0.0.1:9", "--wait", "1"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "no chief answered at 127.0.0.1:9 within 1 s" in done.stderr
    assert "Traceback" not in done.stderr
    bad = subprocess.run([sys.executable, "-m", "app", "worker", "--chief", "nonsense:port"],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1 and "--chief" in bad.stderr


def test_cli_refuses_distributed_flags_without_distributed(tmp_path):
    env = {**os.environ, "TUNESTUDIO_HOME": str(tmp_path), "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "app", "search", str(tmp_path), "--port", "9000"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "--port needs --distributed" in done.stderr


def test_names_and_addresses():
    assert "chief" not in protocol.worker_name("mischief box")
    assert protocol.worker_name("lab pc/1") == "lab-pc-1"
    assert protocol.parse_address("host.lan:8765") == ("host.lan", 8765)
    assert protocol.parse_address("[::1]:80") == ("::1", 80)
    with pytest.raises(ValueError):
        protocol.parse_address("host")
    assert protocol.connect_host("0.0.0.0") == "127.0.0.1"


def test_heartbeats_and_event_tail(tmp_path):
    protocol.write_heartbeat(tmp_path, "w1", {"status": "idle", "seq": 1})
    assert protocol.read_heartbeats(tmp_path) == {"w1": {"status": "idle", "seq": 1}}
    tail = protocol.EventTail(tmp_path)
    path = protocol.events_path(tmp_path, "w1")
    with open(path, "w") as fh:
        fh.write(json.dumps({"type": "trial_started", "trial_id": "0"}) + "\n")
        fh.write('{"type": "epoch_ended", "trial')  # a line still being written
    assert [(e["type"], e["worker"]) for e in tail.read()] == [("trial_started", "w1")]
    with open(path, "a") as fh:
        fh.write('_id": "0"}\n')
    assert [e["type"] for e in tail.read()] == ["epoch_ended"]
    assert tail.read() == []


def test_data_is_remapped_and_missing_images_are_named(tmp_path):
    chief_root = "/chief/images"
    info = {"data_root": chief_root, "splits": {
        "train": [[f"{chief_root}/cat/1.png", 0, f"{chief_root}/cat/1.png"]],
        "val": [["/chief/searches/s1/converted/ab.png", 0, f"{chief_root}/cat/2.jpg"]]}}
    local = tmp_path / "images"
    (local / "cat").mkdir(parents=True)
    (local / "cat" / "1.png").write_bytes(b"x")
    search_dir = tmp_path / "s1"
    (search_dir / "converted").mkdir(parents=True)
    (search_dir / "converted" / "ab.png").write_bytes(b"x")
    moved = remap_info(info, "/chief/searches/s1", search_dir, str(local))
    assert moved["splits"]["train"][0][0] == str(local / "cat" / "1.png")
    assert moved["splits"]["val"][0][0] == str(search_dir / "converted" / "ab.png")
    with pytest.raises(WorkerError, match="1 of 2 images .* give --data DIR"):
        remap_info(info, "/chief/searches/s1", search_dir, None)
