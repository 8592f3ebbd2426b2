"""`pix-kiosk seal-keys`: seal this PC's device keys to its TPM 2.0 (Linux) or DPAPI (Windows).

    pix-kiosk seal-keys --data DIR [--with tpm|dpapi]

Run by the installer as the exam core's account, once the PC is enrolled (DIR: the core's state
directory). Each key file is replaced by its sealed form only once the sealed form has been
unsealed again to the same bytes; running it again is harmless. Afterwards the keys open on this
PC only (docs/security.md, "Keys at rest"); `pix-kiosk doctor` says `"protection": "tpm"` when
the TPM holds them on a PC whose core has its own account. The TPM is /dev/tpmrm0 unless
PIX_KIOSK_TPM_TCTI names another (a tpm2-tools TCTI). Prints one JSON line: what was sealed.
"""

import argparse
import json
import sys
from pathlib import Path

from engine.canonical import BilingualError
from kiosk.identity import EXCHANGE_KEY_FILE, IDENTITY_DIR, SIGNING_KEY_FILE, DeviceIdentity
from kiosk.key_sealing import DPAPI, TPM, default_sealer, seal_file, sealer_named


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "seal-keys",
        help="seal the device keys to the TPM or DPAPI / sceller les clés du poste",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--data", required=True, type=Path, metavar="DIR", help="state directory")
    parser.add_argument(
        "--with",
        dest="sealer",
        choices=(TPM, DPAPI),
        default=None,
        help="tpm (Linux) or dpapi (Windows); default: this OS's",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        DeviceIdentity.load(args.data)  # enrolled, files sound: else nothing is touched
        sealer = sealer_named(args.sealer) if args.sealer else default_sealer()
        directory = args.data / IDENTITY_DIR
        sealed = [
            name
            for name in (SIGNING_KEY_FILE, EXCHANGE_KEY_FILE)
            if seal_file(directory / name, sealer)
        ]
        DeviceIdentity.load(args.data)  # the sealed keys open again
    except BilingualError as error:
        print(f"pix-kiosk seal-keys: {error.fr}\npix-kiosk seal-keys: {error.en}", file=sys.stderr)
        return 2
    print(json.dumps({"sealed_by": sealer.name, "sealed": sealed}))
    return 0
