"""The device keys at rest, sealed to this PC: a TPM 2.0 (Linux) or DPAPI machine scope (Windows).

The account protection (kiosk.protection) keeps the candidate's desktop account from reading the
key files. Sealing adds what an account cannot: the files are useless on any other machine — a
backup, a copied disk, a stolen drive. Both sealers have the same two calls, `seal(secret)` and
`unseal(fields)`, and a sealed key file is one JSON object in place of the PEM it replaces
(kiosk.sealed_key_file).

- `TpmSealer` (tpm2-tools): a fresh 32-byte key encrypts the PEM (AES-GCM); the TPM seals that
  key in a sealed-data object under the owner hierarchy's primary key, `fixedTPM` (never
  duplicated out of the chip). Only this TPM can load the object back and unseal it. The primary
  is derived anew from the TPM's seed each time: nothing but the sealed object is stored.
- `DpapiSealer` (crypt32 `CryptProtectData`, `CRYPTPROTECT_LOCAL_MACHINE`): the blob opens on
  this machine only; on it, the state folder's ACL (the service alone) is what keeps the desktop
  account out, as on Linux.

`pix-kiosk seal-keys` seals an enrolled PC's keys; `DeviceIdentity.load` unseals them, and
`pix-kiosk doctor` says `"protection": "tpm"` when the TPM holds them on a protected PC.
"""

import ctypes
import json
import os
import shutil
import subprocess
import sys
import tempfile
from base64 import b64decode, b64encode
from pathlib import Path
from typing import Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from engine.canonical import BilingualError
from engine.keys import write_secret
from kiosk import sealed_key_file
from kiosk.sealed_key_file import DPAPI, MAGIC, TPM

DEFAULT_TCTI = "device:/dev/tpmrm0"
TCTI_VARIABLE = "PIX_KIOSK_TPM_TCTI"  # where the TPM is, when not /dev/tpmrm0 (tests: swtpm)
TPM_TOOLS = ("tpm2_createprimary", "tpm2_create", "tpm2_load", "tpm2_unseal", "tpm2_flushcontext")
ASSOCIATED_DATA = b"pix-kiosk sealed device key"
CRYPTPROTECT_UI_FORBIDDEN = 0x1
CRYPTPROTECT_LOCAL_MACHINE = 0x4
TOOL_TIMEOUT_S = 60


class SealingError(BilingualError):
    """Sealing or unsealing failed; the key files are left as they were."""


class KeySealer(Protocol):
    name: str

    def seal(self, secret: bytes) -> dict[str, str]:
        """What to store in place of `secret` (JSON-ready fields)."""
        ...

    def unseal(self, fields: dict[str, Any]) -> bytes: ...


def _b64(data: bytes) -> str:
    return b64encode(data).decode("ascii")


class TpmSealer:
    """A TPM 2.0 through tpm2-tools, at `tcti` (default: $PIX_KIOSK_TPM_TCTI, else the kernel's
    resource manager /dev/tpmrm0)."""

    name = TPM

    def __init__(self, tcti: str | None = None) -> None:
        self.tcti = tcti or os.environ.get(TCTI_VARIABLE) or DEFAULT_TCTI

    @staticmethod
    def available() -> bool:
        return all(shutil.which(tool) for tool in TPM_TOOLS)

    def seal(self, secret: bytes) -> dict[str, str]:
        wrapping_key = AESGCM.generate_key(bit_length=256)
        nonce = os.urandom(12)
        with self._workspace() as work:
            self._primary(work)
            self._tool(
                "tpm2_create", "-Q", "-C", str(work / "primary.ctx"),
                "-i", "-", "-u", str(work / "sealed.pub"), "-r", str(work / "sealed.priv"),
                given=wrapping_key,
            )  # fmt: skip
            self._flush()
            public, private = (
                (work / "sealed.pub").read_bytes(),
                (work / "sealed.priv").read_bytes(),
            )
        return {
            "tpm_public": _b64(public),
            "tpm_private": _b64(private),
            "nonce": _b64(nonce),
            "ciphertext": _b64(AESGCM(wrapping_key).encrypt(nonce, secret, ASSOCIATED_DATA)),
        }

    def unseal(self, fields: dict[str, Any]) -> bytes:
        try:
            public, private = b64decode(fields["tpm_public"]), b64decode(fields["tpm_private"])
            nonce, ciphertext = b64decode(fields["nonce"]), b64decode(fields["ciphertext"])
        except (KeyError, TypeError, ValueError):
            raise _damaged() from None
        with self._workspace() as work:
            (work / "sealed.pub").write_bytes(public)
            (work / "sealed.priv").write_bytes(private)
            self._primary(work)
            self._tool(
                "tpm2_load", "-Q", "-C", str(work / "primary.ctx"),
                "-u", str(work / "sealed.pub"), "-r", str(work / "sealed.priv"),
                "-c", str(work / "sealed.ctx"),
            )  # fmt: skip
            self._flush()
            wrapping_key = self._tool("tpm2_unseal", "-Q", "-c", str(work / "sealed.ctx"))
            self._flush()
        try:
            return AESGCM(wrapping_key).decrypt(nonce, ciphertext, ASSOCIATED_DATA)
        except (InvalidTag, ValueError):
            raise _damaged() from None

    def _primary(self, work: Path) -> None:
        """The owner hierarchy's primary key, derived again from the TPM's seed (same template,
        same key), then unloaded: without a resource manager the TPM has few object slots."""
        self._flush()
        self._tool(
            "tpm2_createprimary", "-Q", "-C", "o", "-g", "sha256", "-G", "ecc",
            "-c", str(work / "primary.ctx"),
        )  # fmt: skip
        self._flush()

    def _flush(self) -> None:
        self._tool("tpm2_flushcontext", "-t")

    def _tool(self, *command: str, given: bytes | None = None) -> bytes:
        """Run one tpm2-tools command against this TPM (`given` on its standard input, so that
        no secret touches the disk): what it printed."""
        environment = {**os.environ, "TPM2TOOLS_TCTI": self.tcti}
        try:
            return subprocess.run(
                command,
                input=given,
                env=environment,
                capture_output=True,
                check=True,
                timeout=TOOL_TIMEOUT_S,
            ).stdout
        except FileNotFoundError:
            raise SealingError(
                "tpm_tools_missing",
                f"{command[0]} introuvable : installez tpm2-tools (apt install tpm2-tools).",
                f"{command[0]} not found: install tpm2-tools (apt install tpm2-tools).",
            ) from None
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            said = (getattr(error, "stderr", b"") or b"").decode("utf-8", "replace").strip()
            last = said.splitlines()[-1] if said else str(error)
            raise SealingError(
                "tpm_failed",
                f"Le TPM ({self.tcti}) a refusé {command[0]} : {last}",
                f"The TPM ({self.tcti}) refused {command[0]}: {last}",
            ) from None

    @staticmethod
    def _workspace():
        """A private scratch folder (0700) for the tools' files, removed afterwards."""
        return _Workspace()


class _Workspace:
    def __enter__(self) -> Path:
        self.path = Path(tempfile.mkdtemp(prefix="pix-tpm-"))
        return self.path

    def __exit__(self, *_exc: object) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


class _DataBlob(ctypes.Structure):
    _fields_ = [("cbData", ctypes.c_uint32), ("pbData", ctypes.POINTER(ctypes.c_char))]


class DpapiSealer:
    """Windows DPAPI, machine scope (ctypes; tests give stand-in DLLs)."""

    name = DPAPI

    def __init__(self, crypt32: Any = None, kernel32: Any = None) -> None:
        self._crypt32 = crypt32
        self._kernel32 = kernel32

    def _dlls(self) -> tuple[Any, Any]:
        if self._crypt32 is None or self._kernel32 is None:
            if sys.platform != "win32":
                raise SealingError(
                    "dpapi_unavailable",
                    "DPAPI n'existe que sous Windows.",
                    "DPAPI exists on Windows only.",
                )
            self._crypt32 = ctypes.WinDLL("crypt32", use_last_error=True)  # type: ignore[attr-defined]
            self._kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
        return self._crypt32, self._kernel32

    def _call(self, function_name: str, data: bytes) -> bytes:
        crypt32, kernel32 = self._dlls()
        buffer = ctypes.create_string_buffer(data, len(data))
        given = _DataBlob(len(data), ctypes.cast(buffer, ctypes.POINTER(ctypes.c_char)))
        out = _DataBlob()
        flags = CRYPTPROTECT_UI_FORBIDDEN
        if function_name == "CryptProtectData":
            flags |= CRYPTPROTECT_LOCAL_MACHINE
        function = getattr(crypt32, function_name)
        if not function(ctypes.byref(given), None, None, None, None, flags, ctypes.byref(out)):
            raise SealingError(
                "dpapi_failed",
                f"DPAPI a refusé {function_name}.",
                f"DPAPI refused {function_name}.",
            )
        try:
            return ctypes.string_at(out.pbData, out.cbData)
        finally:
            kernel32.LocalFree(out.pbData)

    def seal(self, secret: bytes) -> dict[str, str]:
        return {"ciphertext": _b64(self._call("CryptProtectData", secret))}

    def unseal(self, fields: dict[str, Any]) -> bytes:
        try:
            blob = b64decode(fields["ciphertext"])
        except (KeyError, TypeError, ValueError):
            raise _damaged() from None
        return self._call("CryptUnprotectData", blob)


def default_sealer(platform: str = sys.platform) -> KeySealer:
    return DpapiSealer() if platform == "win32" else TpmSealer()


def sealer_named(name: str, **options: Any) -> KeySealer:
    if name == TPM:
        return TpmSealer(options.get("tcti"))
    if name == DPAPI:
        return DpapiSealer(options.get("crypt32"), options.get("kernel32"))
    raise SealingError(
        "unknown_sealer",
        f"Scellement inconnu : {name!r} (tpm ou dpapi).",
        f"Unknown sealing: {name!r} (tpm or dpapi).",
    )


def sealed_fields(data: bytes) -> dict[str, Any] | None:
    """The sealed file's fields, or None when `data` is a plain PEM key."""
    try:
        return sealed_key_file.sealed_fields(data)
    except ValueError:
        raise _damaged() from None


def unsealed(data: bytes, sealers: dict[str, KeySealer] | None = None) -> bytes:
    """The PEM a key file holds: itself when plain, else unsealed by the sealer that sealed it."""
    fields = sealed_fields(data)
    if fields is None:
        return data
    name = str(fields.get("sealed_by"))
    sealer = (sealers or {}).get(name) or sealer_named(name)
    return sealer.unseal(fields)


def seal_file(path: Path, sealer: KeySealer) -> bool:
    """Seal one key file in place; False when it already is. The sealed copy is checked (it
    unseals to the same bytes) before it replaces the plain one."""
    data = path.read_bytes()
    if sealed_fields(data) is not None:
        return False
    fields = {MAGIC: 1, "sealed_by": sealer.name, **sealer.seal(data)}
    if sealer.unseal(fields) != data:
        raise _damaged()
    staging = path.with_name(path.name + ".sealing")
    staging.unlink(missing_ok=True)
    write_secret(staging, json.dumps(fields).encode("utf-8") + b"\n")
    os.replace(staging, path)
    return True


def _damaged() -> SealingError:
    return SealingError(
        "sealed_key_damaged",
        "Clé scellée illisible ou abîmée (ou scellée par un autre TPM / un autre poste).",
        "Sealed key unreadable or damaged (or sealed by another TPM / another computer).",
    )
