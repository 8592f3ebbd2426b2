"""What keeps this PC's exam keys out of the candidate's reach: a system account, a TPM, or nothing.

The exam core keeps the device keys, the journals and the unwrapped content key in its state
directory. On an installed lab PC that directory belongs to a dedicated system account (`pix-kiosk`
on Linux, `_pix-kiosk` on macOS, the `pix-kiosk-core` service on Windows) and no other account may
read it: the desktop account the candidate controls cannot reach a key (`account`). When, on
top of that, the key files are sealed to the PC's TPM 2.0 (`pix-kiosk seal-keys`,
kiosk.key_sealing), the verdict is `tpm`: the files open on this TPM only. A TPM that is present
but holds nothing is said ("present, not used") rather than claimed, and sealing never stands in
for the account: sealed keys the desktop account can read stay `none`. The demo, rehearsals and
tests run the core under the desktop account itself: `none`. `pix-kiosk doctor` reports the
verdict (docs/deploy.md).
"""

import json
import os
import stat
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from kiosk.sealed_key_file import DPAPI, sealed_by
from kiosk.sealed_key_file import TPM as TPM_SEAL

ACCOUNT = "account"
TPM = "tpm"
NONE = "none"
PROTECTIONS = (ACCOUNT, TPM, NONE)

CORE_ACCOUNTS = {"linux": "pix-kiosk", "darwin": "_pix-kiosk"}
WINDOWS_SERVICE = "pix-kiosk-core"
# Written by packaging/linux/install.sh for the core's unit: the uid the candidate window runs as.
INSTALL_ENVIRONMENT = Path("/etc/pix-kiosk/core.env")
WINDOW_UID_VARIABLE = "PIX_KIOSK_WINDOW_UID"
# Also written there by install.sh once `pix-kiosk seal-keys` succeeded: what sealed the keys
# (doctor run from an account that cannot read them still knows).
KEY_SEAL_VARIABLE = "PIX_KIOSK_KEY_SEAL"
KEY_FILES = ("identity/device-signing.key", "identity/device-exchange.key")
LINUX_TPM_DEVICES = (Path("/dev/tpmrm0"), Path("/dev/tpm0"))
# Who may hold a right on the core's state folder on Windows besides the core's service: SYSTEM
# and Administrators (well-known SIDs, the same in every language of Windows).
WINDOWS_TRUSTED_SIDS = ("S-1-5-18", "S-1-5-32-544")
# Names for the SIDs that stand for "anyone at the desktop", to say what is open.
WINDOWS_OPEN_SIDS = {
    "S-1-1-0": "Everyone",
    "S-1-5-4": "INTERACTIVE",
    "S-1-5-11": "Authenticated Users",
    "S-1-5-32-545": "Users",
}


@dataclass(frozen=True)
class Protection:
    """The verdict `doctor` reports: `protection` is one of PROTECTIONS; `fr`/`en` say why."""

    keys_protected: bool
    protection: str
    fr: str
    en: str


def detect_protection(
    state_dir: Path,
    *,
    platform: str = sys.platform,
    account: str | None = None,
    window_uid: int | None = None,
    tpm_present: bool | None = None,
    powershell: Callable[[str], str] | None = None,
    sealed: str | None = None,
) -> Protection:
    """What protects the keys in `state_dir` on this PC.

    `account` is the core's system account (default: the platform's, CORE_ACCOUNTS);
    `window_uid` the account the candidate window runs as (default: the one install.sh
    recorded, else the current account when it is neither root nor the core's). `powershell`
    runs a PowerShell script and returns its output (Windows; tests give their own). `sealed`:
    what sealed the key files (`tpm`, `dpapi`; default: read from them, else from install.sh's
    record).
    """
    sealed = sealed or sealed_by([state_dir / name for name in KEY_FILES]) or _recorded_seal()
    if platform == "win32":
        verdict, tpm = _windows_protection(state_dir, powershell or _run_powershell)
        if sealed == DPAPI:
            verdict = _note(verdict, "Clés scellées par DPAPI (portée machine).", "Keys sealed "
                            "with DPAPI (machine scope).")  # fmt: skip
        return _with_tpm(verdict, tpm if tpm_present is None else tpm_present, sealed)
    account = account or CORE_ACCOUNTS["darwin" if platform == "darwin" else "linux"]
    verdict = _posix_protection(state_dir, account, window_uid)
    if platform == "darwin":  # Macs have a Secure Enclave, no TPM: nothing more to say
        return verdict
    present = (
        any(path.exists() for path in LINUX_TPM_DEVICES) if tpm_present is None else tpm_present
    )
    return _with_tpm(verdict, present, sealed)


def _posix_protection(state_dir: Path, account: str, window_uid: int | None) -> Protection:
    import pwd

    try:
        core_uid = pwd.getpwnam(account).pw_uid
    except KeyError:
        return _unprotected(
            f"pas de compte système {account} : le cœur d'examen tourne sous le compte du bureau "
            "(démo, répétition, tests).",
            f"no {account} system account: the exam core runs as the desktop account (demo, "
            "rehearsal, tests).",
        )
    try:
        status = state_dir.stat()
    except OSError as error:
        return _unprotected(
            f"dossier d'état {state_dir} inaccessible ({error.strerror}).",
            f"state directory {state_dir} unreachable ({error.strerror}).",
        )
    if status.st_uid != core_uid:
        owner = _account_name(status.st_uid)
        return _unprotected(
            f"{state_dir} appartient à {owner}, pas à {account} : le compte du bureau peut "
            f"atteindre les clés (sudo chown -R {account}: {state_dir}).",
            f"{state_dir} belongs to {owner}, not to {account}: the desktop account can reach "
            f"the keys (sudo chown -R {account}: {state_dir}).",
        )
    mode = stat.S_IMODE(status.st_mode)
    if mode & 0o077:
        return _unprotected(
            f"{state_dir} est ouvert à d'autres comptes (mode {mode:04o}) : sudo chmod 700 "
            f"{state_dir}.",
            f"{state_dir} is open to other accounts (mode {mode:04o}): sudo chmod 700 {state_dir}.",
        )
    window = window_uid if window_uid is not None else _recorded_window_uid()
    if window is None and os.getuid() not in (0, core_uid):
        window = os.getuid()
    if window is None:
        return _unprotected(
            f"compte de la fenêtre du candidat inconnu ({INSTALL_ENVIRONMENT} manque : "
            "l'installeur l'écrit).",
            f"the candidate window's account is unknown ({INSTALL_ENVIRONMENT} is missing: "
            "the installer writes it).",
        )
    if window in (0, core_uid):
        who = _account_name(window)
        return _unprotected(
            f"la fenêtre du candidat tourne sous {who}, qui peut lire {state_dir}.",
            f"the candidate window runs as {who}, who can read {state_dir}.",
        )
    if window == os.getuid() and os.access(state_dir, os.R_OK):
        return _unprotected(
            f"le compte du bureau peut lire {state_dir} (une ACL ou une capacité l'ouvre).",
            f"the desktop account can read {state_dir} (an ACL or a capability opens it).",
        )
    return _protected(
        f"clés et journaux dans {state_dir} (0700), au compte système {account} seul ; le "
        f"compte du bureau ({_account_name(window)}) ne peut pas les lire.",
        f"keys and journals in {state_dir} (0700), readable by the {account} system account "
        f"alone; the desktop account ({_account_name(window)}) cannot read them.",
    )


def _recorded_window_uid(environment: Path = INSTALL_ENVIRONMENT) -> int | None:
    value = _recorded(WINDOW_UID_VARIABLE, environment)
    return int(value) if value is not None and value.isdigit() else None


def _recorded_seal(environment: Path = INSTALL_ENVIRONMENT) -> str | None:
    return _recorded(KEY_SEAL_VARIABLE, environment)


def _recorded(variable: str, environment: Path) -> str | None:
    try:
        lines = environment.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for line in lines:
        name, _, value = line.partition("=")
        if name.strip() == variable and value.strip():
            return value.strip()
    return None


def _account_name(uid: int | None) -> str:
    import pwd

    try:
        return f"{pwd.getpwuid(uid).pw_name} (uid {uid})"
    except (KeyError, TypeError):
        return f"uid {uid}"


def _windows_protection(
    state_dir: Path, powershell: Callable[[str], str]
) -> tuple[Protection, bool]:
    """The state folder's ACL (by SID) and the TPM, as PowerShell reports them."""
    try:
        answer = json.loads(powershell(_windows_probe_script(state_dir)))
        sids: Sequence[str] = answer["sids"] or []
        service_sid, inherits, tpm = answer["service_sid"], not answer["protected"], answer["tpm"]
    except (OSError, ValueError, KeyError, TypeError, subprocess.SubprocessError) as error:
        verdict = _unprotected(
            f"ACL de {state_dir} illisible ({error}).",
            f"cannot read the ACL of {state_dir} ({error}).",
        )
        return verdict, False
    trusted = {*WINDOWS_TRUSTED_SIDS, service_sid}
    open_to = sorted(WINDOWS_OPEN_SIDS.get(sid, sid) for sid in set(sids) - trusted)
    if not service_sid or service_sid not in sids:
        verdict = _unprotected(
            f"{state_dir} n'est pas réservé au service {WINDOWS_SERVICE} : lancez "
            "packaging/windows/install.ps1.",
            f"{state_dir} is not reserved to the {WINDOWS_SERVICE} service: run "
            "packaging/windows/install.ps1.",
        )
    elif open_to or inherits:
        shown = ", ".join(open_to) or "héritage / inheritance"
        verdict = _unprotected(
            f"{state_dir} reste ouvert ({shown}) : relancez packaging/windows/install.ps1.",
            f"{state_dir} is still open ({shown}): run packaging/windows/install.ps1 again.",
        )
    else:
        verdict = _protected(
            f"clés et journaux dans {state_dir}, réservé au service {WINDOWS_SERVICE}, à SYSTEM "
            "et aux administrateurs.",
            f"keys and journals in {state_dir}, reserved to the {WINDOWS_SERVICE} service, "
            "SYSTEM and administrators.",
        )
    return verdict, bool(tpm)


def _windows_probe_script(state_dir: Path) -> str:
    literal = str(state_dir).replace("'", "''")
    return (
        f"$acl = Get-Acl -LiteralPath '{literal}'; $sids = @(); "
        "foreach ($rule in $acl.Access) { try { $sids += $rule.IdentityReference.Translate("
        "[Security.Principal.SecurityIdentifier]).Value } catch { $sids += "
        "$rule.IdentityReference.Value } }; $service = $null; try { $service = (New-Object "
        f"Security.Principal.NTAccount 'NT SERVICE\\{WINDOWS_SERVICE}').Translate("
        "[Security.Principal.SecurityIdentifier]).Value } catch {}; $tpm = $false; try { $tpm = "
        "[bool](Get-CimInstance -Namespace root/cimv2/Security/MicrosoftTpm -ClassName Win32_Tpm "
        "-ErrorAction Stop) } catch {}; @{ sids = $sids; service_sid = $service; protected = "
        "$acl.AreAccessRulesProtected; tpm = $tpm } | ConvertTo-Json -Compress"
    )


def _run_powershell(script: str) -> str:
    result = subprocess.run(
        ["powershell", "-NoProfile", "-NonInteractive", "-Command", script],
        capture_output=True,
        text=True,
        timeout=20,
        check=True,
    )
    return result.stdout


def _with_tpm(verdict: Protection, tpm_present: bool, sealed: str | None) -> Protection:
    """`tpm` only for keys sealed to the TPM on a PC already protected by its account: the seal
    makes the files useless elsewhere, the account keeps the desktop from them here."""
    if sealed == TPM_SEAL:
        if verdict.keys_protected:
            return replace(
                verdict,
                protection=TPM,
                fr=f"{verdict.fr} Clés scellées par le TPM 2.0 : inutilisables sur un autre poste.",
                en=f"{verdict.en} Keys sealed by the TPM 2.0: useless on any other computer.",
            )
        return _note(
            verdict,
            "Clés scellées par le TPM 2.0, mais le compte du bureau peut s'en servir ici.",
            "Keys sealed by the TPM 2.0, but the desktop account can use them here.",
        )
    if not tpm_present:
        return verdict
    return _note(
        verdict,
        "TPM 2.0 présent, non utilisé : pix-kiosk seal-keys y scelle les clés.",
        "TPM 2.0 present, not used: pix-kiosk seal-keys seals the keys to it.",
    )


def _note(verdict: Protection, fr: str, en: str) -> Protection:
    return replace(verdict, fr=f"{verdict.fr} {fr}", en=f"{verdict.en} {en}")


def _protected(fr: str, en: str) -> Protection:
    return Protection(True, ACCOUNT, f"Clés protégées : {fr}", f"Keys protected: {en}")


def _unprotected(fr: str, en: str) -> Protection:
    return Protection(False, NONE, f"Clés non protégées : {fr}", f"Keys not protected: {en}")
