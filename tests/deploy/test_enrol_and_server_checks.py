"""`pix-kiosk enroll` then `doctor` against a real server on loopback, and each server-side check
made to pass, warn and fail by real conditions: a wrong pinned key, a server down, an untrusted
certificate, a shifted clock, an outdated, damaged or missing bank, a PC without its token."""

import asyncio
import datetime as dt
import ipaddress
import json
import re
import resource
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import httpx
import pytest
import tomli_w
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.x509.oid import NameOID

from engine.canonical import BilingualError
from engine.keys import load_signing_key, public_key_b64
from engine.sealed_bank import seal_bank
from kiosk.doctor.checkup import run_checkup
from kiosk.doctor.report import Status, exit_code, render_json
from kiosk.doctor.server import clock_offset_check, probe_server, server_tls_check, utc_now
from kiosk.enrolment import EnrolmentError, enrol_lab_pc
from kiosk.lab_config import LabConfigError, load_lab_config
from kiosk.tls import AuthorityFileError
from server_stub.db.readiness import PROBE_EVERY_S
from tests.deploy.live_server import LiveServer

KIOSK_CLI = (
    "import sys; from engine.cli import dispatch; sys.exit(dispatch('pix-kiosk', 'kiosk', "
    "'kiosk.commands', ('enroll', 'doctor', 'rehearse'), sys.argv[1:]))"
)
CANDIDATES_CSV = (
    "last_name,first_names,birth_date,ine,extra_time_percent,accessibility_adjustment\n"
    "Dupont,Marie,2008-01-15,INE000001,0,false\n"
)
SERVER_CHECKS = ("server_reachable", "server_tls", "pinned_keys", "clock_offset")
BANK_CHECKS = ("bank_present", "bank_signature", "bank_version")


def pix_kiosk(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", KIOSK_CLI, *args], capture_output=True, text=True, timeout=120
    )


def doctor(config: Path) -> tuple[int, dict[str, dict]]:
    """`pix-kiosk doctor --json`, in this process (the command line is tested once, below)."""
    checkup = run_checkup(config)
    payload = json.loads(render_json(checkup.checks, checkup.protection))
    report = {check["name"]: check for check in payload["checks"]}
    return exit_code(checkup.checks), report


def statuses(checks: dict[str, dict], names: tuple[str, ...]) -> dict[str, str]:
    return {name: checks[name]["status"] for name in names}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = LiveServer.start(tmp_path_factory.mktemp("server"))
    live.token = live.enrolment_token(devices=100)
    yield live
    live.stop()


@pytest.fixture
def enrolled(server, tmp_path) -> Path:
    """A PC enrolled (kiosk.enrolment, as `pix-kiosk enroll` does); returns its kiosk.toml."""
    report = asyncio.run(enrol_lab_pc(server.url, server.token, tmp_path / "state", label="t"))
    assert report.newly_enrolled
    return report.config_path


def rewrite(config: Path, table: str, key: str, value: str) -> None:
    document = tomllib.loads(config.read_text(encoding="utf-8"))
    document[table][key] = value
    config.write_text(tomli_w.dumps(document), encoding="utf-8")


@pytest.mark.slow
def test_enroll_doctor_rehearse_from_the_command_line(server, tmp_path):
    """The IT chain of docs/deploy.md: enrol, check, rehearse."""
    state = tmp_path / "state"
    token = server.enrolment_token()
    result = pix_kiosk("enroll", "--server", server.url, "--token", token, "--state", str(state))
    assert result.returncode == 0, result.stdout + result.stderr
    keys = httpx.get(f"{server.url}/api/v1/keys").json()
    assert keys["server_key_fingerprint"] in result.stdout
    assert keys["publisher_key_fingerprint"] in result.stdout
    config = load_lab_config(state / "kiosk.toml")
    assert public_key_b64(config.server_public_key) == keys["server_public_key"]
    assert config.device_token()

    report = pix_kiosk("doctor", "--config", str(state / "kiosk.toml"), "--json")
    payload = json.loads(report.stdout)
    checks = {check["name"]: check for check in payload["checks"]}
    # the same account runs everything here: nothing protects the keys, and doctor says so
    assert (payload["keys_protected"], payload["protection"]) == (False, "none")
    assert checks["key_protection"]["status"] == "warn"
    names = (*SERVER_CHECKS, *BANK_CHECKS, "lab_config", "data_dir", "config_hash")
    assert statuses(checks, names) == dict.fromkeys(names, "pass")
    assert report.returncode == 0, report.stdout
    # enroll and doctor show IT the same configuration key, the one to allow on the server
    printed = re.search(r"configuration key: ([0-9a-f]{64})", result.stdout)
    assert printed and printed.group(1) in checks["config_hash"]["detail"]

    # The day before: a rehearsal on the enrolled PC, through the real window (offscreen here).
    csv = tmp_path / "candidates.csv"
    csv.write_text(CANDIDATES_CSV, encoding="utf-8")
    session = server.plan_session(csv)
    rehearsal = pix_kiosk(
        "rehearse",
        "--server", server.url,
        "--session", str(session["session_number"]),
        "--access-code", session["access_code"],
        "--invigilator-code", session["invigilator_code"],
        "--candidates-csv", str(csv),
        "--enroll-token", "not-needed-once-enrolled",
        "--state", str(state),
        "--json",
    )  # fmt: skip
    assert rehearsal.returncode == 0, rehearsal.stdout[-2000:] + rehearsal.stderr[-2000:]
    summary = json.loads(rehearsal.stdout.strip().splitlines()[-1])
    assert summary["completed"] and summary["questions"] == 32 and summary["record_sent"]


def test_enroll_refused_token_writes_nothing(server, tmp_path):
    state = tmp_path / "state"
    result = pix_kiosk(
        "enroll", "--server", server.url, "--token", "not-a-token", "--state", str(state)
    )
    assert result.returncode == 2
    assert "pix-kiosk:" in result.stderr and "Traceback" not in result.stderr
    assert not (state / "kiosk.toml").exists()


def test_enroll_with_the_server_down(tmp_path):
    result = pix_kiosk(
        "enroll", "--server", "http://127.0.0.1:9", "--token", "x", "--state", str(tmp_path)
    )
    assert result.returncode == 2 and "unreachable" in result.stderr


def test_enroll_again_repairs_a_damaged_bank(server, enrolled):
    bank = load_lab_config(enrolled).bank_path
    data = bytearray(bank.read_bytes())
    data[1000] ^= 0xFF
    bank.write_bytes(bytes(data))
    code, checks = doctor(enrolled)
    assert code == 1
    assert statuses(checks, BANK_CHECKS) == {
        "bank_present": "pass",
        "bank_signature": "fail",
        "bank_version": "fail",
    }
    again = asyncio.run(enrol_lab_pc(server.url, "spent", enrolled.parent, label="t"))
    assert not again.newly_enrolled
    assert statuses(doctor(enrolled)[1], BANK_CHECKS) == dict.fromkeys(BANK_CHECKS, "pass")
    bank.unlink()
    assert doctor(enrolled)[1]["bank_present"]["status"] == "fail"
    asyncio.run(enrol_lab_pc(server.url, "spent", enrolled.parent, label="t"))
    assert statuses(doctor(enrolled)[1], BANK_CHECKS) == dict.fromkeys(BANK_CHECKS, "pass")


def test_wrong_pinned_server_key(enrolled):
    rewrite(
        enrolled, "server", "public_key", public_key_b64(Ed25519PrivateKey.generate().public_key())
    )
    code, checks = doctor(enrolled)
    assert code == 1
    assert checks["pinned_keys"]["status"] == "fail"
    assert "Pinned keys differ" in checks["pinned_keys"]["detail"]


def test_outdated_bank(server, enrolled):
    """A bank genuinely sealed by the server's publisher, but not the one it serves now."""
    publisher = load_signing_key(server.data_dir / "keys" / "publisher.pem")
    old = seal_bank({"items": []}, {"q": {"id": "q"}}, publisher, label="last year")
    (enrolled.parent / "banks" / "old.pixbank").write_bytes(old.data)
    rewrite(enrolled, "kiosk", "bank", "banks/old.pixbank")
    checks = doctor(enrolled)[1]
    assert statuses(checks, BANK_CHECKS) == {
        "bank_present": "pass",
        "bank_signature": "pass",
        "bank_version": "fail",
    }


def test_pc_without_its_device_token(enrolled):
    (enrolled.parent / "device-token").unlink()
    check = doctor(enrolled)[1]["bank_version"]
    assert check["status"] == "fail" and "not enrolled" in check["detail"]


def test_server_down(server, enrolled, tmp_path):
    rewrite(enrolled, "server", "url", "http://127.0.0.1:9")
    code, checks = doctor(enrolled)
    assert code == 1
    assert statuses(checks, SERVER_CHECKS + BANK_CHECKS) == {
        "server_reachable": "fail",
        "server_tls": "pass",  # plain HTTP on loopback is fine; nothing else to judge
        "pinned_keys": "fail",
        "clock_offset": "fail",
        "bank_present": "pass",
        "bank_signature": "pass",
        "bank_version": "warn",
    }
    assert "does not answer" in checks["server_reachable"]["detail"]


def test_a_server_that_cannot_write_says_why(server, enrolled):
    """Its file writes refused (the file size limit at 0, as a full disk): /health says 503."""
    resource.prlimit(server.process.pid, resource.RLIMIT_FSIZE, (0, resource.RLIM_INFINITY))
    try:
        time.sleep(PROBE_EVERY_S)  # the last probe's verdict is kept that long
        checks = doctor(enrolled)[1]
    finally:
        limits = (resource.RLIM_INFINITY, resource.RLIM_INFINITY)
        resource.prlimit(server.process.pid, resource.RLIMIT_FSIZE, limits)
        time.sleep(PROBE_EVERY_S)  # ready again for the next tests
        assert httpx.get(f"{server.url}/api/v1/health", timeout=30).status_code == 200
    detail = checks["server_reachable"]["detail"]
    assert checks["server_reachable"]["status"] == "fail"
    assert "not ready" in detail and "refuses to write" in detail


@pytest.mark.parametrize(
    ("shift", "expected"), [(0, Status.PASS), (30, Status.WARN), (-300, Status.FAIL)]
)
def test_clock_offset_against_the_server_time(enrolled, shift, expected):
    """The server's /health `server_time` against this PC's clock, set `shift` seconds off."""
    config = load_lab_config(enrolled)
    probe = asyncio.run(probe_server(config, lambda: utc_now() + dt.timedelta(seconds=shift)))
    assert probe.server_time is not None
    check = clock_offset_check(probe)
    assert check.status is expected, check.en


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def copy_of(data_dir: Path, tmp_path: Path) -> Path:
    """The running server's data directory copied (one `serve` per SQLite file: the TLS server
    serves the copy, which names its database relative to itself)."""
    copy = tmp_path / "tls-data"
    shutil.copytree(data_dir, copy)
    return copy


def test_untrusted_certificate(server, enrolled, tmp_path):
    cert, key = self_signed_certificate(tmp_path)
    tls = LiveServer.start(
        copy_of(server.data_dir, tmp_path), "--tls-cert", str(cert), "--tls-key", str(key)
    )
    try:
        assert tls.url.startswith("https://")
        rewrite(enrolled, "server", "url", tls.url)
        probe = asyncio.run(probe_server(load_lab_config(enrolled)))
    finally:
        tls.stop()
    assert probe.tls_error
    check = server_tls_check(probe)
    assert check.status is Status.FAIL and "TLS certificate" in check.en


def test_the_schools_authority_is_trusted_once_named(server, tmp_path):
    """A certificate the system does not trust (the school's own authority): enrolment with
    `ca_file` keeps the authority beside the configuration; enrolment, the doctor and the
    kiosk's client then trust the server."""
    cert, key = self_signed_certificate(tmp_path)
    tls = LiveServer.start(
        copy_of(server.data_dir, tmp_path), "--tls-cert", str(cert), "--tls-key", str(key)
    )
    state = tmp_path / "state"
    try:
        with pytest.raises(BilingualError):  # not trusted without it
            asyncio.run(enrol_lab_pc(tls.url, server.token, tmp_path / "other", label="t"))
        report = asyncio.run(enrol_lab_pc(tls.url, server.token, state, label="t", ca_file=cert))
        config = load_lab_config(report.config_path)
        probe = asyncio.run(probe_server(config))
    finally:
        tls.stop()
    assert config.ca_file == state.resolve() / "server-ca.pem"
    assert config.ca_file.read_bytes() == cert.read_bytes()
    assert not probe.tls_error and probe.server_key is not None, probe.error
    assert server_tls_check(probe).status is Status.PASS


def test_an_unusable_authority_file_is_refused_before_anything_is_done(server, tmp_path):
    not_a_certificate = tmp_path / "school-ca.pem"
    not_a_certificate.write_text("not a certificate", encoding="utf-8")
    state = tmp_path / "state"
    with pytest.raises(AuthorityFileError) as refused:
        asyncio.run(
            enrol_lab_pc(server.url, server.token, state, label="t", ca_file=not_a_certificate)
        )
    assert "PEM" in refused.value.en and "PEM" in refused.value.fr
    assert not state.exists()


def test_an_authority_file_the_configuration_names_must_exist(enrolled):
    rewrite(enrolled, "server", "ca_file", "missing.pem")
    with pytest.raises(LabConfigError) as refused:
        load_lab_config(enrolled)
    assert "[server] ca_file" in refused.value.en and "missing.pem" in refused.value.fr


def test_enrolment_resumes_after_a_stop_before_the_configuration(server, enrolled):
    """Registered and token saved, then cut off: the next run finishes with the saved token."""
    enrolled.unlink()
    report = asyncio.run(enrol_lab_pc(server.url, "spent", enrolled.parent, label="t"))
    assert report.newly_enrolled and enrolled.exists()
    assert statuses(doctor(enrolled)[1], BANK_CHECKS) == dict.fromkeys(BANK_CHECKS, "pass")


def test_an_enrolled_pc_is_not_moved_to_another_server(server, enrolled):
    with pytest.raises(EnrolmentError) as refused:
        asyncio.run(enrol_lab_pc("http://127.0.0.1:9", "t", enrolled.parent, label="t"))
    assert refused.value.code == "enrolled_elsewhere"
    assert load_lab_config(enrolled).server_url == server.url
