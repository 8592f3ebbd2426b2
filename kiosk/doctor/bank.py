"""The sealed item bank on this PC: present, sealed by the pinned publisher, the current one.

Only the signature is checked: the content key arrives with the invigilator's authorisation, so
nothing is decrypted here.
"""

from engine.sealed_bank import BankError, SealedBank
from kiosk.doctor.report import Check, failed, passed, warned
from kiosk.doctor.server import ServerProbe
from kiosk.lab_config import LabConfig

REFRESH_FR = (
    "Téléchargez-la à nouveau : relancez pix-kiosk enroll --server URL --token JETON (un poste "
    "déjà enrôlé ne fait que mettre sa banque à jour)."
)
REFRESH_EN = (
    "Download it again: run pix-kiosk enroll --server URL --token TOKEN again (an enrolled PC "
    "only brings its bank up to date)."
)


def bank_present_check(config: LabConfig) -> Check:
    path = config.bank_path
    if not path.is_file():
        return failed(
            "bank_present",
            f"Banque d'items absente : {path}. {REFRESH_FR}",
            f"Item bank missing: {path}. {REFRESH_EN}",
        )
    size = path.stat().st_size / 1024**2
    return passed("bank_present", f"{path} ({size:.1f} Mio).", f"{path} ({size:.1f} MiB).")


def open_bank(config: LabConfig) -> SealedBank | BankError:
    """The bank with its publisher signature verified against the pinned key, or why not."""
    try:
        return SealedBank.open(config.bank_path, config.publisher_public_key)
    except BankError as error:
        return error


def bank_signature_check(opened: SealedBank | BankError) -> Check:
    if isinstance(opened, BankError):
        return failed("bank_signature", f"{opened.fr} {REFRESH_FR}", f"{opened.en} {REFRESH_EN}")
    return passed(
        "bank_signature",
        f"« {opened.label} », {opened.item_count} items, signée par l'éditeur "
        f"{opened.publisher_fingerprint} le {opened.created_at:%Y-%m-%d}.",
        f"'{opened.label}', {opened.item_count} items, signed by publisher "
        f"{opened.publisher_fingerprint} on {opened.created_at:%Y-%m-%d}.",
    )


def bank_version_check(opened: SealedBank | BankError, server: ServerProbe) -> Check:
    """Is this PC's bank the server's current (newest published) one?"""
    if isinstance(opened, BankError):
        return failed(
            "bank_version",
            "Version non vérifiée : la banque ne s'ouvre pas (voir bank_signature).",
            "Version not checked: the bank does not open (see bank_signature).",
        )
    if server.error:
        return warned(
            "bank_version",
            "Version non comparée : le serveur ne répond pas (voir server_reachable). "
            "Relancez doctor quand il répond.",
            "Version not compared: the server does not answer (see server_reachable). "
            "Run doctor again once it does.",
        )
    if server.bank_list_refusal is not None:
        refusal = server.bank_list_refusal
        return failed(
            "bank_version",
            f"Le serveur ne donne pas sa banque à ce poste : {refusal.fr}",
            f"The server does not give its bank to this PC: {refusal.en}",
        )
    if server.current_bank_id is None:
        return warned(
            "bank_version",
            "Le serveur n'a publié aucune banque : demandez à son administrateur d'en publier une.",
            "The server has published no bank: ask its administrator to publish one.",
        )
    short_here, short_server = opened.bank_id[:19], server.current_bank_id[:19]
    if server.current_bank_id != opened.bank_id:
        return failed(
            "bank_version",
            f"La banque de ce poste ({short_here}…) n'est pas la banque actuelle du serveur "
            f"({short_server}…). {REFRESH_FR}",
            f"This PC's bank ({short_here}…) is not the server's current one ({short_server}…). "
            f"{REFRESH_EN}",
        )
    return passed(
        "bank_version", f"Banque à jour ({short_here}…).", f"Bank up to date ({short_here}…)."
    )
