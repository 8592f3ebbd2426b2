"""`pix-server certificate`: print one candidate's certificate as a PDF.

    pix-server certificate --data DIR --code P-XXXXXXXX --out FILE.pdf
        [--lang fr|en] [--public-url URL]

The certificate must be published (the session's results were published and the
certification is validated). Its QR code and printed address open the certificate's page,
`URL/certificates/<code>`, where URL is the server's public address given at
`pix-server init --public-url` (or here with `--public-url`).
"""

import argparse
import sys
from pathlib import Path

from server_stub.certificate_page import lookup_address
from server_stub.command_support import (
    add_data_argument,
    data_dir,
    opened_database,
    reporting_failures,
)
from server_stub.documents.wording import LANGUAGES

DEFAULT_PUBLIC_URL = "http://localhost:8000"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "certificate", help="print a candidate's certificate (PDF)", description=__doc__
    )
    add_data_argument(parser)
    parser.add_argument("--code", required=True, metavar="P-XXXXXXXX", help="verification code")
    parser.add_argument("--out", required=True, type=Path, metavar="FILE.pdf")
    parser.add_argument("--lang", choices=LANGUAGES, default="fr", help="language (default fr)")
    parser.add_argument(
        "--public-url",
        metavar="URL",
        help="the server's public address, for the QR code (default: the one given at init, "
        f"else {DEFAULT_PUBLIC_URL})",
    )
    parser.set_defaults(func=reporting_failures(run))


def run(args: argparse.Namespace) -> int:
    # Here, not with the module: every `pix-server` command registers this one's options.
    from server_stub.documents import render_certificate
    from server_stub.documents.loading import load_certificate

    directory = data_dir(args)
    public_url = args.public_url or directory.public_url() or DEFAULT_PUBLIC_URL
    with opened_database(directory) as db:
        data = load_certificate(db, args.code, lookup_address(public_url))
    pages = render_certificate(data, args.out, args.lang)
    if public_url == DEFAULT_PUBLIC_URL:
        print(
            f"attention : le QR code renvoie vers {DEFAULT_PUBLIC_URL} ; précisez --public-url "
            "(ici ou à pix-server init).\n"
            f"warning: the QR code points to {DEFAULT_PUBLIC_URL}; give --public-url.",
            file=sys.stderr,
        )
    print(f"PDF : {args.out} ({pages} page) — {data.candidate.display_name}")
    return 0
