"""Strangers stay out: tokens beyond loopback, wrong tokens slowed down and reported, TLS pinned by
fingerprint, and a worker that never follows the chief outside the folders its user allowed.
Everything on 127.0.0.1 (a chief "beyond loopback" is refused before it listens)."""
import os
import shutil
import subprocess
import sys
import time
from concurrent import futures
from pathlib import Path

import grpc
import pytest

from app.core.distributed import protocol, security
from app.core.distributed.worker import WorkerError, check_paths, run_worker

REPO = Path(__file__).resolve().parents[3]
needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl command")


@pytest.fixture
def serve():
    """A chief-like gRPC server (token interceptor, hello naming ``search_dir``), plain or TLS."""
    servers = []

    def start(search_dir="/s", token=None, tls=None, refusals=None):
        interceptors = [protocol.TokenInterceptor(token, refusals)] if token else []
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=2), interceptors=interceptors)
        server.add_generic_rpc_handlers([protocol.hello_handler(lambda req: {"search_dir": str(search_dir)})])
        if tls:
            port = server.add_secure_port("127.0.0.1:0", grpc.ssl_server_credentials(
                [(tls["key"].encode(), tls["cert"].encode())]))
        else:
            port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        servers.append(server)
        return port

    yield start
    for server in servers:
        server.stop(0)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    if shutil.which("openssl") is None:
        pytest.skip("no openssl command")
    return security.chief_certificate(tmp_path_factory.mktemp("tls"))


def test_no_token_beyond_loopback_is_refused():
    security.check_chief("127.0.0.1", None, None)
    security.check_chief("::1", None, None)
    with pytest.raises(security.SecurityError, match="--token"):
        security.check_chief("0.0.0.0", None, {"cert": "c"})
    with pytest.raises(security.SecurityError, match="TLS"):
        security.check_chief("192.168.1.5", "t", None)
    assert len(security.new_token()) >= 32 and security.new_token() != security.new_token()


def test_cli_chief_beyond_loopback_without_token_does_not_start(tmp_path):
    data = tmp_path / "data" / "a"
    data.mkdir(parents=True)
    env = {**os.environ, "TUNESTUDIO_HOME": str(tmp_path / "home"), "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "app", "search", str(tmp_path / "data"), "--distributed",
                           "--host", "0.0.0.0", "--port", "0"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "give --token TOKEN (or --token new to make one)" in done.stderr
    assert "Chief listening" not in done.stderr and "Traceback" not in done.stderr


def test_wrong_tokens_are_refused_slowed_down_and_reported(serve):
    refusals = security.Refusals()
    address = f"127.0.0.1:{serve(token='s3cret', refusals=refusals)}"
    times = []
    for _ in range(4):
        started = time.monotonic()
        with pytest.raises(protocol.ChiefRefused, match="token"):
            protocol.hello(address, "guess", wait=10)
        times.append(time.monotonic() - started)
    assert times[-1] >= security.REFUSAL_DELAY_S * 8 * 0.9  # the 4th waits 8x the first
    reports = refusals.drain()
    assert len(reports) == 3 and "127.0.0.1" in reports[0] and "(4 so far)" in reports[-1]
    assert refusals.drain() == []
    assert protocol.hello(address, "s3cret", wait=5)["search_dir"] == "/s"  # the right token still works


def test_tls_is_pinned_by_fingerprint(serve, certificate, tmp_path):
    port = serve(search_dir=tmp_path, token="t", tls=certificate)
    tls = security.pin_chief("127.0.0.1", port, certificate["fingerprint"].upper(), wait=5)
    assert tls["name"] == security.CERT_NAME
    assert protocol.hello(f"127.0.0.1:{port}", "t", wait=5, tls=tls)["search_dir"] == str(tmp_path)
    with pytest.raises(security.SecurityError, match="someone else may be answering"):
        security.pin_chief("127.0.0.1", port, "ab" * 32, wait=5)
    # A worker without the fingerprint, or with a wrong one, is turned away with a clear message.
    with pytest.raises(WorkerError, match="uses TLS: give --fingerprint"):
        run_worker(f"127.0.0.1:{port}", token="t", connect_wait=2, allow=[str(tmp_path)])
    with pytest.raises(WorkerError, match="not the one given with --fingerprint"):
        run_worker(f"127.0.0.1:{port}", token="t", connect_wait=2, fingerprint="cd" * 32, allow=[str(tmp_path)])


def test_made_certificate_is_kept_and_needs_both_files(tmp_path, certificate):
    again = security.chief_certificate(tmp_path / "tls")
    assert security.chief_certificate(tmp_path / "tls")["fingerprint"] == again["fingerprint"]
    assert oct((tmp_path / "tls" / security.KEY_FILE).stat().st_mode & 0o777) == "0o600"
    with pytest.raises(security.SecurityError, match="both --tls-cert and --tls-key"):
        security.chief_certificate(tmp_path, cert_file="c.pem")
    with pytest.raises(security.SecurityError, match="64 hex digits"):
        security.normal_fingerprint("12:34")


def test_worker_refuses_a_search_folder_outside_the_allowed_ones(serve, tmp_path):
    allowed, elsewhere = tmp_path / "allowed", tmp_path / "elsewhere"
    allowed.mkdir()
    elsewhere.mkdir()
    (allowed / "escape").symlink_to(elsewhere)  # a link inside cannot lead out
    for named in (elsewhere, allowed / ".." / "elsewhere", allowed / "escape"):
        port = serve(search_dir=named)
        with pytest.raises(WorkerError, match=r"outside the folders this worker may use .* --allow DIR"):
            run_worker(f"127.0.0.1:{port}", connect_wait=5, allow=[str(allowed)])
    with pytest.raises(WorkerError, match="allowed: none yet"):  # nothing allowed: nothing followed
        run_worker(f"127.0.0.1:{serve(search_dir=allowed)}", connect_wait=5)


def test_images_outside_the_allowed_folders_are_refused(tmp_path):
    inside = str(tmp_path / "data" / "a.png")
    info = {"splits": {"train": [[inside, 0, None]], "val": [["/etc/passwd", 0, None]]}}
    roots = security.allowed_roots([tmp_path / "data"])
    with pytest.raises(WorkerError, match="an image at /etc/passwd"):
        check_paths(info, roots)
    info["splits"]["val"] = [[inside, 0, inside]]
    check_paths(info, roots)


def test_cli_worker_turned_away_exits_non_zero(serve, tmp_path):
    port = serve(search_dir="/", token="right")
    env = {**os.environ, "TUNESTUDIO_HOME": str(tmp_path), "PYTHONPATH": str(REPO)}
    for extra, message in ((["--token", "wrong"], "refused this worker"),
                           (["--token", "right"], "outside the folders this worker may use")):
        done = subprocess.run([sys.executable, "-m", "app", "worker", "--chief", f"127.0.0.1:{port}", "--wait", "5",
                               "--allow", str(tmp_path), *extra], cwd=REPO, env=env, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 1 and message in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
