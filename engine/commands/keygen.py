"""`pix-engine keygen --out DIR`: a publisher key pair for sealing item banks.

Writes `publisher.key` (PEM PKCS#8, mode 0600: keep it offline, it signs every bank) and
`publisher.pub` (PEM, to pin in each lab's configuration). Existing files are never overwritten.
"""

import argparse
import sys
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from engine.keys import (
    KeyFileError,
    fingerprint,
    public_key_b64,
    write_private_key,
    write_public_key,
)

PRIVATE_KEY_FILE = "publisher.key"
PUBLIC_KEY_FILE = "publisher.pub"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "keygen",
        help="create a publisher key pair (signs sealed item banks)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--out", type=Path, required=True, help="directory for the two key files")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    out: Path = args.out
    key = Ed25519PrivateKey.generate()
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name in (PRIVATE_KEY_FILE, PUBLIC_KEY_FILE):
            if (out / name).exists():
                raise KeyFileError(
                    "exists",
                    f"{out / name} existe déjà : il n'est pas écrasé.",
                    f"{out / name} already exists and is not overwritten.",
                )
        write_private_key(out / PRIVATE_KEY_FILE, key)
        write_public_key(out / PUBLIC_KEY_FILE, key.public_key())
    except KeyFileError as error:
        print(f"erreur : {error.fr}\nerror: {error.en}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"erreur : impossible de créer {out} ({error.strerror}).", file=sys.stderr)
        print(f"error: cannot create {out} ({error.strerror}).", file=sys.stderr)
        return 1
    public = key.public_key()
    print(f"Clé privée / private key : {out / PRIVATE_KEY_FILE} (0600)")
    print(f"Clé publique / public key : {out / PUBLIC_KEY_FILE}")
    print(f"  base64 : {public_key_b64(public)}")
    print(f"  empreinte / fingerprint : {fingerprint(public)}")
    return 0
