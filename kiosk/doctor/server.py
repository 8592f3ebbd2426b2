"""The exam server as this PC sees it: reachable, over verified TLS, holding the pinned keys, on
the same time.

The clock matters because the server's timeline is the authority for the start, the pauses and
the deadline (DESIGN §5): a PC whose clock drifts shows a misleading countdown.
"""

import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from engine.canonical import BilingualError, parse_utc_text
from engine.keys import ed25519_public_from_b64, fingerprint
from kiosk.client import API, REQUEST_TIMEOUT_S, KioskClient, refusal_from
from kiosk.doctor.report import Check, failed, passed, warned
from kiosk.lab_config import LabConfig
from kiosk.tls import AuthorityFileError, trusted_authorities

CLOCK_WARN_SECONDS = 5.0
CLOCK_FAIL_SECONDS = 60.0
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


@dataclass(frozen=True)
class ServerProbe:
    """What the server answered. `error` is set when it could not be reached at all, and
    `tls_error` when that was because its certificate was refused."""

    url: str
    error: str = ""
    tls_error: bool = False
    server_time: datetime | None = None
    local_time: datetime | None = None  # this PC's clock at the middle of the round trip
    round_trip_seconds: float = 0.0
    server_key: Ed25519PublicKey | None = None
    publisher_key: Ed25519PublicKey | None = None
    current_bank_id: str | None = None
    bank_list_refusal: BilingualError | None = None  # why the server would not list its banks


def utc_now() -> datetime:
    return datetime.now(UTC)


async def probe_server(config: LabConfig, clock: Callable[[], datetime] = utc_now) -> ServerProbe:
    """Ask the server for its time (GET /health, timed here to see TLS and the round trip), its
    keys, and, as this PC (device token), its current bank. `clock` is this PC's clock."""
    url = config.server_url
    try:
        tls = trusted_authorities(config.ca_file)
    except AuthorityFileError as error:
        return ServerProbe(url, error=f"{config.ca_file} : {error.en}", tls_error=True)
    try:
        async with httpx.AsyncClient(timeout=REQUEST_TIMEOUT_S, verify=tls) as http:
            before, started = clock(), time.perf_counter()
            response = await http.get(f"{url}{API}/health")
            round_trip = time.perf_counter() - started
            if response.status_code == 503:  # up but not ready: its reason (a full disk...)
                raise ValueError(refusal_from(response).en)
            response.raise_for_status()
            server_time = parse_utc_text(response.json()["server_time"])
    except (httpx.HTTPError, ValueError, KeyError) as error:
        return ServerProbe(url, error=_reason(error), tls_error=_is_tls(error))
    server_key = publisher_key = current_bank_id = refusal = None
    async with KioskClient(url, verify=tls) as client:
        try:
            keys = await client.public_keys()
            server_key = ed25519_public_from_b64(keys["server_public_key"])
            publisher_key = ed25519_public_from_b64(keys["publisher_public_key"])
            client.device_token = config.device_token()
            banks = await client.banks()
            current_bank_id = banks[0]["bank_id"] if banks else None
        except BilingualError as error:
            refusal = error
    return ServerProbe(
        url,
        server_time=server_time,
        local_time=before + timedelta(seconds=round_trip / 2),
        round_trip_seconds=round_trip,
        server_key=server_key,
        publisher_key=publisher_key,
        current_bank_id=current_bank_id,
        bank_list_refusal=refusal,
    )


def _reason(error: Exception) -> str:
    return str(error) or type(error).__name__


def _is_tls(error: BaseException | None) -> bool:
    """True when a certificate or TLS failure is anywhere in the chain of causes."""
    while error is not None:
        if isinstance(error, ssl.SSLError):
            return True
        error = error.__cause__ or error.__context__
    return False


def _not_checked(name: str) -> Check:
    return failed(
        name,
        "Non vérifié : le serveur ne répond pas (voir server_reachable).",
        "Not checked: the server does not answer (see server_reachable).",
    )


def server_reachable_check(probe: ServerProbe) -> Check:
    if probe.error:
        return failed(
            "server_reachable",
            f"Le serveur {probe.url} ne répond pas ({probe.error}). Vérifiez qu'il tourne, "
            "l'adresse dans [server] url, le câble réseau, le pare-feu et le proxy.",
            f"The server {probe.url} does not answer ({probe.error}). Check that it runs, the "
            "address in [server] url, the network cable, the firewall and the proxy.",
        )
    milliseconds = round(probe.round_trip_seconds * 1000)
    return passed(
        "server_reachable",
        f"{probe.url} répond en {milliseconds} ms.",
        f"{probe.url} answers in {milliseconds} ms.",
    )


def server_tls_check(probe: ServerProbe) -> Check:
    parsed = urlparse(probe.url)
    if probe.tls_error:
        return failed(
            "server_tls",
            f"Certificat TLS de {parsed.hostname} refusé ({probe.error}) : faites installer un "
            "certificat valide pour ce nom sur le serveur, ou l'autorité du centre sur ce poste "
            "(dans le magasin du système, ou : pix-kiosk enroll --ca-file FICHIER).",
            f"TLS certificate of {parsed.hostname} refused ({probe.error}): have a valid "
            "certificate for this name installed on the server, or the school's authority on "
            "this PC (in the system's store, or: pix-kiosk enroll --ca-file FILE).",
        )
    if parsed.scheme == "https":
        if probe.error:
            return _not_checked("server_tls")
        return passed(
            "server_tls",
            f"HTTPS, certificat valide pour {parsed.hostname}.",
            f"HTTPS, valid certificate for {parsed.hostname}.",
        )
    if parsed.hostname in LOOPBACK_HOSTS:
        return passed(
            "server_tls",
            "HTTP sur la boucle locale (serveur sur ce poste) : pas de chiffrement nécessaire.",
            "HTTP on loopback (server on this PC): no encryption needed.",
        )
    return warned(
        "server_tls",
        f"{probe.url} n'est pas chiffré : les codes d'accès circulent en clair. Servez le "
        "serveur en HTTPS et mettez https:// dans [server] url.",
        f"{probe.url} is not encrypted: access codes travel in clear. Serve it over HTTPS and "
        "put https:// in [server] url.",
    )


def pinned_keys_check(
    probe: ServerProbe, server: Ed25519PublicKey, publisher: Ed25519PublicKey
) -> Check:
    if probe.server_key is None or probe.publisher_key is None:
        return _not_checked("pinned_keys")
    mismatches = [
        f"{role} {fingerprint(pinned)} ≠ {fingerprint(served)}"
        for role, pinned, served in (
            ("server", server, probe.server_key),
            ("publisher", publisher, probe.publisher_key),
        )
        if pinned != served
    ]
    if mismatches:
        shown = "; ".join(mismatches)
        return failed(
            "pinned_keys",
            f"Clés épinglées différentes de celles du serveur ({shown}) : ce poste parle à un "
            "autre serveur, ou la configuration est celle d'un autre. Vérifiez les empreintes "
            "avec l'administrateur du serveur, puis réenrôlez le poste.",
            f"Pinned keys differ from the server's ({shown}): this PC talks to another server, "
            "or the configuration is another one's. Check the fingerprints with the server "
            "administrator, then enrol the PC again.",
        )
    return passed(
        "pinned_keys",
        f"Clés du serveur ({fingerprint(server)}) et de l'éditeur ({fingerprint(publisher)}) "
        "conformes.",
        f"Server ({fingerprint(server)}) and publisher ({fingerprint(publisher)}) keys match.",
    )


def clock_offset_check(probe: ServerProbe) -> Check:
    if probe.server_time is None or probe.local_time is None:
        return _not_checked("clock_offset")
    offset = (probe.local_time - probe.server_time).total_seconds()
    shown = f"{offset:+.1f} s"
    if abs(offset) > CLOCK_WARN_SECONDS:
        advice_fr = (
            f"L'horloge de ce poste diffère de celle du serveur de {shown} : activez la "
            "synchronisation de l'heure (NTP) ou réglez l'heure."
        )
        advice_en = (
            f"This PC's clock differs from the server's by {shown}: turn on time "
            "synchronisation (NTP) or set the time."
        )
        if abs(offset) > CLOCK_FAIL_SECONDS:
            return failed("clock_offset", advice_fr, advice_en)
        return warned("clock_offset", advice_fr, advice_en)
    return passed(
        "clock_offset",
        f"Horloge à {abs(offset):.1f} s de celle du serveur.",
        f"Clock within {abs(offset):.1f} s of the server's.",
    )
