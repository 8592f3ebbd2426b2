"""`pix-kiosk enroll --server URL --token TOKEN [--state DIR]`: make this PC a lab PC.

Creates the device keys, registers them with IT's enrolment token, pins the server's and the
publisher's keys (printing their fingerprints to compare with the server administrator's),
downloads the sealed bank and writes the lab configuration `STATE/kiosk.toml`. It prints the
configuration key this PC will show the server (to allow with `pix-server config-key allow`
where the server keeps a list). Run again on an enrolled PC, it only brings the bank up to date.
See docs/deploy.md.
"""

import argparse
import asyncio
import socket
from pathlib import Path

from engine.canonical import BilingualError
from kiosk.commands.doctor import keep_printing_whatever_the_console_encoding
from kiosk.commands.run import report_failure
from kiosk.config_key import ConfigKey, kiosk_config_key, lockdown_policy
from kiosk.enrolment import EnrolmentReport, enrol_lab_pc
from kiosk.lab_config import load_lab_config
from kiosk.paths import machine_data_dir


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "enroll",
        help="enrol this PC with the exam server / enrôler ce poste",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--server", required=True, metavar="URL", help="the exam server")
    parser.add_argument("--token", required=True, help="enrolment token (pix-server device token)")
    parser.add_argument(
        "--state",
        type=Path,
        default=None,
        metavar="DIR",
        help=f"this PC's data directory (default: {machine_data_dir()})",
    )
    parser.add_argument(
        "--ca-file",
        type=Path,
        metavar="FILE",
        help="the authority of the server's certificate, when this PC does not trust it already "
        "(copied into the data directory and named in the lab configuration)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    keep_printing_whatever_the_console_encoding()
    state_dir = args.state or machine_data_dir()
    try:
        report = asyncio.run(
            enrol_lab_pc(
                args.server,
                args.token,
                state_dir,
                label=socket.gethostname(),
                ca_file=args.ca_file,
            )
        )
        config = load_lab_config(report.config_path)
        key = kiosk_config_key(config, lockdown_policy(config))
    except BilingualError as error:
        return report_failure(error)
    except OSError as error:
        return report_failure(
            BilingualError(
                "io",
                f"Écriture impossible dans {state_dir} ({error}) : lancez la commande avec un "
                "compte qui peut y écrire (sudo), ou choisissez --state.",
                f"Cannot write in {state_dir} ({error}): run the command as an account that "
                "can write there (sudo), or choose --state.",
            )
        )
    print(describe(report, key))
    return 0


def describe(report: EnrolmentReport, key: ConfigKey) -> str:
    heading = (
        "Poste enrôlé / PC enrolled"
        if report.newly_enrolled
        else "Poste déjà enrôlé, banque à jour / PC already enrolled, bank up to date"
    )
    return "\n".join(
        [
            f"{heading}: {report.device_id}",
            f"  empreinte du serveur / server fingerprint:       {report.server_fingerprint}",
            f"  empreinte de l'éditeur / publisher fingerprint:  {report.publisher_fingerprint}",
            "  → Comparez-les à celles que donne l'administrateur du serveur ; si elles "
            "diffèrent, n'utilisez pas ce poste.",
            "  → Compare them with the server administrator's; if they differ, do not use this PC.",
            f"  banque / bank: « {report.bank_label} », {report.item_count} items",
            f"    {report.bank_id}",
            f"  configuration: {report.config_path}",
            f"  clé de configuration / configuration key: {key.key} (version {key.app_version})",
            "  → Si le serveur tient une liste de clés : pix-server config-key allow --data DIR "
            "<clé>.",
            "  → If the server keeps a list of keys: pix-server config-key allow --data DIR <key>.",
            f"Ensuite / next: pix-kiosk doctor --config {report.config_path}",
        ]
    )
