"""The data directory: the journals that prove an exam live there, so writes must be durable."""

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from kiosk.doctor.report import Check, failed, passed, warned

PROBE_BYTES = 64 * 1024
SLOW_FSYNC_SECONDS = 0.5
DISK_FAIL_BYTES = 200 * 1024**2
DISK_WARN_BYTES = 1024**3


@dataclass(frozen=True)
class WriteProbe:
    """A durable write in the data directory: its duration, or what stopped it."""

    seconds: float
    error: str = ""
    exists: bool = True


def probe_durable_write(data_dir: Path) -> WriteProbe:
    """Write, fsync, read back and remove a file, then fsync the directory, as the journal does."""
    probe = data_dir / f".doctor-probe-{os.getpid()}"
    payload = os.urandom(PROBE_BYTES)
    started = time.monotonic()
    try:
        if not data_dir.is_dir():
            return WriteProbe(0.0, "missing", exists=False)
        with probe.open("wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        if probe.read_bytes() != payload:
            return WriteProbe(0.0, "read-back differs")
        probe.unlink()
        if os.name == "posix":
            directory = os.open(data_dir, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
    except OSError as error:
        probe.unlink(missing_ok=True)
        return WriteProbe(0.0, error.strerror or str(error))
    return WriteProbe(time.monotonic() - started)


def data_dir_check(data_dir: Path, probe: WriteProbe) -> Check:
    if not probe.exists:
        return failed(
            "data_dir",
            f"Le dossier de données {data_dir} n'existe pas : enrôlez ce poste "
            "(pix-kiosk enroll) ou corrigez [kiosk] data_dir dans la configuration.",
            f"The data directory {data_dir} does not exist: enrol this PC (pix-kiosk enroll) or "
            "fix [kiosk] data_dir in the configuration.",
        )
    if probe.error:
        return failed(
            "data_dir",
            f"Écriture durable impossible dans {data_dir} ({probe.error}) : donnez au compte du "
            "kiosque le droit d'écrire dans ce dossier (packaging/linux/install.sh ou "
            "install.ps1 le font).",
            f"Cannot write durably in {data_dir} ({probe.error}): give the kiosk account write "
            "access to this folder (packaging/linux/install.sh or install.ps1 do).",
        )
    milliseconds = round(probe.seconds * 1000)
    if probe.seconds > SLOW_FSYNC_SECONDS:
        return warned(
            "data_dir",
            f"{data_dir} accepte les écritures mais fsync prend {milliseconds} ms : évitez les "
            "clés USB et les dossiers réseau, utilisez le disque local.",
            f"{data_dir} is writable but fsync takes {milliseconds} ms: avoid USB sticks and "
            "network folders, use the local disk.",
        )
    return passed(
        "data_dir",
        f"{data_dir} : écriture et fsync en {milliseconds} ms.",
        f"{data_dir}: write and fsync in {milliseconds} ms.",
    )


def free_bytes(data_dir: Path) -> int:
    """Free space on the disk holding `data_dir` (or its nearest existing parent)."""
    existing = data_dir
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    return shutil.disk_usage(existing).free


def free_disk_check(data_dir: Path, free: int) -> Check:
    shown = f"{free / 1024**3:.1f} GiB"
    if free < DISK_FAIL_BYTES:
        return failed(
            "free_disk",
            f"Il reste {shown} sur le disque de {data_dir} : libérez au moins 1 Gio avant "
            "l'examen, sinon les réponses ne pourront plus être enregistrées.",
            f"Only {shown} left on the disk of {data_dir}: free at least 1 GiB before the exam, "
            "or answers can no longer be recorded.",
        )
    if free < DISK_WARN_BYTES:
        return warned(
            "free_disk",
            f"Il reste {shown} sur le disque de {data_dir} : libérez au moins 1 Gio.",
            f"Only {shown} left on the disk of {data_dir}: free at least 1 GiB.",
        )
    return passed(
        "free_disk", f"{shown} libres sur le disque de {data_dir}.", f"{shown} free on {data_dir}."
    )
