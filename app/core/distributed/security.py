"""Who may join a distributed search, and where a worker lets a chief send it.

* **Token.** A chief that listens beyond loopback needs a token (``--token new`` makes one with
  :mod:`secrets`). The chief's :class:`~.protocol.TokenInterceptor` compares it in constant time
  and slows down and reports repeated wrong tokens (:class:`Refusals`).
* **TLS.** Beyond loopback the channel is TLS (``--tls`` asks for it on loopback too), with a
  certificate the user gives or a self-signed one made on first use under ``<home>/tls``. There is
  no certificate authority to trust: a worker *pins* the chief's certificate by the SHA-256
  fingerprint the chief prints (``--fingerprint``) and then trusts that certificate only.
  The certificate is made with the ``openssl`` command (the ``cryptography`` package is not a
  dependency); a user without it gives ``--tls-cert``/``--tls-key``.
* **Allowed folders.** The chief names the search folder and every image path; a worker follows
  them only inside the folders its user allowed (``--allow``, ``--workdir``, ``--data``), checked on
  resolved paths so a symbolic link cannot lead out.

No TensorFlow and no gRPC here.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import re
import secrets
import shutil
import socket
import ssl
import subprocess
import threading
import time
from pathlib import Path

CERT_NAME = "tunestudio-chief"
CERT_FILE = "chief-cert.pem"
KEY_FILE = "chief-key.pem"
# A wrong token costs its sender this long, doubling with each further one from that host up to MAX.
REFUSAL_DELAY_S = 0.05
REFUSAL_DELAY_MAX_S = 2.0


class SecurityError(ValueError):
    """A setting or a chief's answer that would let a stranger in; the message says what to do."""


# --------------------------------------------------------------------------- token


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return host == "localhost"
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def new_token() -> str:
    return secrets.token_urlsafe(24)


def check_chief(host: str, token: str | None, tls: dict | None) -> None:
    """Refuse a chief that listens beyond loopback without a token or without TLS."""
    if is_loopback(host):
        return
    if not token:
        raise SecurityError(f"listening on {host} lets other machines reach the search: give --token TOKEN "
                            "(or --token new to make one), or listen on 127.0.0.1")
    if not tls:
        raise SecurityError(f"listening on {host} needs TLS, so the token never crosses the network in the clear")


class Refusals:
    """Wrong tokens by sender host: each costs a growing delay; reports wait in :meth:`drain`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}
        self._reports: list[str] = []

    def refuse(self, peer: str) -> float:
        """Count a refusal from ``peer`` (gRPC's ``ipv4:1.2.3.4:5678``); returns the delay to impose."""
        host = re.sub(r"^(ipv4|ipv6):", "", peer or "unknown").rsplit(":", 1)[0]
        with self._lock:
            count = self._counts.get(host, 0) + 1
            self._counts[host] = count
            if count & (count - 1) == 0:  # the 1st, 2nd, 4th, 8th...: a flood is reported, not echoed
                self._reports.append(f"Refused a call from {host} with a missing or wrong token "
                                     f"({count} so far); further attempts are slowed down.")
        return min(REFUSAL_DELAY_S * 2 ** (count - 1), REFUSAL_DELAY_MAX_S)

    def drain(self) -> list[str]:
        with self._lock:
            out, self._reports = self._reports, []
        return out


# --------------------------------------------------------------------------- certificates


def fingerprint(pem: str | bytes) -> str:
    """The SHA-256 of a PEM certificate's DER bytes, as 64 lowercase hex digits."""
    text = pem.decode("ascii") if isinstance(pem, bytes) else pem
    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(text)).hexdigest()


def normal_fingerprint(text: str) -> str:
    """``AB:CD:...`` or ``sha256:abcd...`` -> 64 lowercase hex digits; SecurityError otherwise."""
    value = re.sub(r"^sha256[:=]", "", (text or "").strip(), flags=re.I).replace(":", "").lower()
    if not re.fullmatch(r"[0-9a-f]{64}", value):
        raise SecurityError(f"--fingerprint '{text}' is not a SHA-256 fingerprint (64 hex digits)")
    return value


def load_certificate(cert_file: str | Path, key_file: str | Path) -> dict:
    """``{"cert", "key", "fingerprint"}`` from the user's PEM files."""
    try:
        cert = Path(cert_file).expanduser().read_text(encoding="ascii")
        key = Path(key_file).expanduser().read_text(encoding="ascii")
        return {"cert": cert, "key": key, "fingerprint": fingerprint(cert)}
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise SecurityError(f"cannot use the certificate {cert_file} with key {key_file}: {exc}") from None


def chief_certificate(folder: str | Path, cert_file: str | None = None, key_file: str | None = None) -> dict:
    """The user's certificate, or the one made on first use in ``folder`` (kept, so the fingerprint
    workers pinned stays valid across searches)."""
    if cert_file or key_file:
        if not (cert_file and key_file):
            raise SecurityError("give both --tls-cert and --tls-key")
        return load_certificate(cert_file, key_file)
    folder = Path(folder)
    cert, key = folder / CERT_FILE, folder / KEY_FILE
    if not (cert.is_file() and key.is_file()):
        _make_certificate(folder, cert, key)
    return load_certificate(cert, key)


def _make_certificate(folder: Path, cert: Path, key: Path) -> None:
    openssl = shutil.which("openssl")
    if openssl is None:
        raise SecurityError("no 'openssl' command to make the chief's certificate: install it, or give your own "
                            "with --tls-cert FILE --tls-key FILE")
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    tmp_cert, tmp_key = folder / f".{CERT_FILE}.tmp", folder / f".{KEY_FILE}.tmp"
    done = subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                           "-nodes", "-days", "3650", "-subj", f"/CN={CERT_NAME}",
                           "-addext", f"subjectAltName=DNS:{CERT_NAME}",
                           "-keyout", str(tmp_key), "-out", str(tmp_cert)], capture_output=True, text=True)
    if done.returncode != 0:
        raise SecurityError(f"openssl could not make the chief's certificate: {done.stderr.strip()[-300:]}")
    os.chmod(tmp_key, 0o600)
    os.replace(tmp_key, key)  # the key first: a certificate is only ever found with its key
    os.replace(tmp_cert, cert)


def pin_chief(host: str, port: int, expected: str, wait: float) -> dict:
    """Fetch the chief's certificate and check it against the pinned fingerprint.

    Returns ``{"pem", "name"}`` for :func:`.protocol.channel` (the certificate is then the only one
    trusted, checked for ``name``); SecurityError when another certificate answers, ConnectionError
    when nothing answers within ``wait``.
    """
    expected = normal_fingerprint(expected)
    der = _fetch_certificate(host, port, wait)
    pem = ssl.DER_cert_to_PEM_cert(der)
    if not hmac.compare_digest(hashlib.sha256(der).hexdigest(), expected):
        raise SecurityError(f"the chief at {host}:{port} shows a certificate whose fingerprint "
                            f"({hashlib.sha256(der).hexdigest()}) is not the one given with --fingerprint: "
                            "someone else may be answering at that address")
    return {"pem": pem, "name": _certificate_name(host, port, pem)}


def _fetch_certificate(host: str, port: int, wait: float) -> bytes:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # fetched unverified, then judged by its fingerprint only
    context.set_alpn_protocols(["h2"])  # as a gRPC client: the chief's TLS expects HTTP/2
    deadline = time.monotonic() + wait
    while True:
        try:
            with socket.create_connection((host, port), timeout=5) as sock, \
                    context.wrap_socket(sock, server_hostname=CERT_NAME) as tls:
                return tls.getpeercert(binary_form=True)
        except ssl.SSLError as exc:
            raise SecurityError(f"the chief at {host}:{port} does not speak TLS ({exc.reason}): it was started "
                                "without --tls; drop --fingerprint only if you trust this network") from None
        except OSError:
            if time.monotonic() >= deadline:
                raise ConnectionError(f"no chief answered at {host}:{port} within {wait:.0f} s") from None
            time.sleep(0.5)


def _certificate_name(host: str, port: int, pem: str) -> str:
    """The name the pinned certificate is issued for (checked again by gRPC)."""
    context = ssl.create_default_context(cadata=pem)
    context.check_hostname = False
    context.set_alpn_protocols(["h2"])
    try:
        with socket.create_connection((host, port), timeout=5) as sock, \
                context.wrap_socket(sock, server_hostname=CERT_NAME) as tls:
            cert = tls.getpeercert()
    except (OSError, ssl.SSLError) as exc:
        raise SecurityError(f"the chief's certificate cannot be trusted on its own ({exc}); give the chief a "
                            "self-signed certificate") from None
    names = [value for kind, value in cert.get("subjectAltName", ()) if kind == "DNS"]
    names += [value for rdn in cert.get("subject", ()) for key, value in rdn if key == "commonName"]
    return names[0] if names else CERT_NAME


def speaks_tls(host: str, port: int) -> bool:
    """Whether a TLS server answers at host:port right now (for a worker's message)."""
    try:
        _fetch_certificate(host, port, 0)
        return True
    except (SecurityError, ConnectionError):
        return False


# --------------------------------------------------------------------------- allowed folders


def allowed_roots(folders) -> list[str]:
    return [os.path.realpath(os.path.expanduser(str(f))) for f in folders if f]


def inside(path: str | Path, roots: list[str]) -> bool:
    real = os.path.realpath(str(path))
    return any(real == root or real.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def check_allowed(path: str | Path, roots: list[str], what: str) -> None:
    """SecurityError unless ``path`` (resolved) is inside one of ``roots``."""
    if not inside(path, roots):
        allowed = ", ".join(roots) if roots else "none yet"
        raise SecurityError(f"the chief named {what} {path}, outside the folders this worker may use "
                            f"(allowed: {allowed}); add --allow DIR if you trust it")
