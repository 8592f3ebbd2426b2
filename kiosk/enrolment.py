"""Enrolment: make a PC a lab PC of one exam server, ahead of exam day.

In order, each step resumable if the previous run was cut short:
1. the device keys (kiosk.identity), made here and never sent; only their public halves leave;
2. registration with IT's enrolment token, which answers with the device token (saved at once,
   owner-only) and the server's and publisher's public keys (pinned);
3. the server's current sealed bank, downloaded into `STATE/banks/<hex>.pixbank` and checked
   against the pinned publisher key (it stays encrypted: its key only comes in a ticket);
4. the lab configuration `STATE/kiosk.toml` (docs/kiosk.md), written last, whole and checked: its
   presence means "enrolled".

Run again on an enrolled PC, it registers nothing: it downloads the server's current bank if it
changed, and points the configuration at it (the other settings are kept).
"""

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

import tomli_w

from engine.canonical import BilingualError
from engine.keys import ed25519_public_from_b64, fingerprint
from engine.sealed_bank import BankError, SealedBank
from kiosk.atomic_file import write_atomically
from kiosk.client import KioskClient
from kiosk.identity import DeviceIdentity
from kiosk.lab_config import DEVICE_TOKEN_FILE, LabConfig, load_lab_config
from kiosk.paths import LAB_CONFIG_NAME
from kiosk.tls import trusted_authorities

BANKS_DIR = "banks"
AUTHORITY_FILE = "server-ca.pem"  # the authority of the server's certificate, when given


class EnrolmentError(BilingualError):
    """Enrolment cannot go on as asked (another server, no bank published, a bank refused)."""


@dataclass(frozen=True)
class EnrolmentReport:
    """What IT reads after enrolment: the fingerprints to compare with the server's."""

    config_path: Path
    device_id: str
    server_fingerprint: str
    publisher_fingerprint: str
    bank_label: str
    bank_id: str
    item_count: int
    newly_enrolled: bool


async def enrol_lab_pc(
    server_url: str,
    enrolment_token: str,
    state_dir: Path,
    *,
    label: str,
    ca_file: Path | None = None,
) -> EnrolmentReport:
    """Enrol (or, when already enrolled, bring the bank up to date) the PC kept in `state_dir`.

    `ca_file`: the authority of the server's certificate when the system does not trust it;
    kept in `state_dir` and named in the lab configuration."""
    server_url = server_url.rstrip("/")
    tls = trusted_authorities(ca_file)  # an unusable file is said before anything is done
    config_path = state_dir / LAB_CONFIG_NAME
    if config_path.exists():
        _check_same_server(load_lab_config(config_path), config_path, server_url)
        if ca_file is not None:
            _keep_authority(ca_file, config_path)
        return await _refresh_bank(load_lab_config(config_path), config_path)
    state_dir.mkdir(parents=True, exist_ok=True)
    identity = DeviceIdentity.load_or_create(state_dir)
    token_path = state_dir / DEVICE_TOKEN_FILE
    async with KioskClient(server_url, verify=tls) as client:
        if token_path.exists():  # registered by a run that stopped before the configuration
            client.device_token = token_path.read_text(encoding="ascii").strip()
            keys = await client.public_keys()
            server_key_b64 = keys["server_public_key"]
            publisher_key_b64 = keys["publisher_public_key"]
        else:
            enrolment = await client.enrol(enrolment_token, identity, label=label)
            server_key_b64 = enrolment.server_public_key
            publisher_key_b64 = enrolment.publisher_public_key
        config = LabConfig(
            server_url=server_url,
            server_public_key=ed25519_public_from_b64(server_key_b64),
            publisher_public_key=ed25519_public_from_b64(publisher_key_b64),
            data_dir=state_dir.resolve(),
            bank_path=state_dir.resolve() / BANKS_DIR,  # the bank file is chosen below
        )
        if not token_path.exists():  # saved at once: the server will not register these keys twice
            config.save_device_token(enrolment.device_token)
        bank, bank_path = await _download_current_bank(client, state_dir, config)
    server_table = {"url": server_url, "public_key": server_key_b64}
    if ca_file is not None:
        server_table["ca_file"] = _copy_authority(ca_file, state_dir)
    document = {
        "server": server_table,
        "publisher": {"public_key": publisher_key_b64},
        "kiosk": {
            "data_dir": ".",
            "bank": bank_path.relative_to(state_dir).as_posix(),
            "language": "fr",
            "secure_mode": True,
        },
    }
    _write_config(config_path, document)
    return _report(config_path, identity, config, bank, newly_enrolled=True)


def _check_same_server(config: LabConfig, config_path: Path, server_url: str) -> None:
    if config.server_url != server_url:
        raise EnrolmentError(
            "enrolled_elsewhere",
            f"Ce poste est déjà enrôlé auprès de {config.server_url} ({config_path}). Pour "
            f"l'enrôler auprès de {server_url}, déplacez d'abord ce dossier (après avoir vérifié "
            "que le serveur a reçu toutes ses épreuves).",
            f"This PC is already enrolled with {config.server_url} ({config_path}). To enrol it "
            f"with {server_url}, move that folder away first (once the server has received all "
            "of its exams).",
        )


async def _refresh_bank(config: LabConfig, config_path: Path) -> EnrolmentReport:
    identity = DeviceIdentity.load(config.data_dir)
    tls = trusted_authorities(config.ca_file)
    async with KioskClient(config.server_url, config.device_token(), verify=tls) as client:
        bank, bank_path = await _download_current_bank(client, config.data_dir, config)
    if bank_path != config.bank_path:
        document = tomllib.loads(config_path.read_text(encoding="utf-8"))
        document["kiosk"]["bank"] = os.path.relpath(bank_path, config_path.parent)
        _write_config(config_path, document)
    return _report(config_path, identity, config, bank, newly_enrolled=False)


def _keep_authority(ca_file: Path, config_path: Path) -> None:
    """A new authority for an enrolled PC: kept beside its configuration, named in it."""
    document = tomllib.loads(config_path.read_text(encoding="utf-8"))
    document["server"]["ca_file"] = _copy_authority(ca_file, config_path.parent)
    _write_config(config_path, document)


def _copy_authority(ca_file: Path, state_dir: Path) -> str:
    """Copy the authority's certificate into the PC's data directory (the file IT brought may
    be on a USB stick); its name there, for the configuration."""
    write_atomically(state_dir / AUTHORITY_FILE, ca_file.read_bytes())
    return AUTHORITY_FILE


async def _download_current_bank(
    client: KioskClient, state_dir: Path, config: LabConfig
) -> tuple[SealedBank, Path]:
    """The newest published bank, downloaded unless already here and intact, checked against the
    pinned publisher key (a bank that fails is removed: it must never be used)."""
    banks = await client.banks()
    if not banks:
        raise EnrolmentError(
            "no_bank",
            f"Le serveur {client.base_url} n'a publié aucune banque d'items : demandez à son "
            "administrateur d'en publier une, puis relancez pix-kiosk enroll.",
            f"The server {client.base_url} has published no item bank: ask its administrator "
            "to publish one, then run pix-kiosk enroll again.",
        )
    bank_id = banks[0]["bank_id"]
    path = state_dir / BANKS_DIR / f"{bank_id.removeprefix('sha256:')}.pixbank"
    if path.exists():
        try:
            return SealedBank.open(path, config.publisher_public_key), path
        except BankError:  # damaged on disk: fetched again below
            path.unlink()
    await client.download_bank(bank_id, path)
    try:
        return SealedBank.open(path, config.publisher_public_key), path
    except BankError:
        path.unlink(missing_ok=True)
        raise


def _write_config(path: Path, document: dict) -> None:
    """Write the configuration whole: a checked temporary file, synced, then renamed."""
    staging = path.with_name(path.name + ".tmp")
    with staging.open("wb") as stream:
        stream.write(tomli_w.dumps(document).encode("utf-8"))
        stream.flush()
        os.fsync(stream.fileno())
    load_lab_config(staging)
    staging.replace(path)


def _report(
    config_path: Path,
    identity: DeviceIdentity,
    config: LabConfig,
    bank: SealedBank,
    *,
    newly_enrolled: bool,
) -> EnrolmentReport:
    return EnrolmentReport(
        config_path=config_path,
        device_id=identity.device_id,
        server_fingerprint=fingerprint(config.server_public_key),
        publisher_fingerprint=fingerprint(config.publisher_public_key),
        bank_label=bank.label,
        bank_id=bank.bank_id,
        item_count=bank.item_count,
        newly_enrolled=newly_enrolled,
    )
