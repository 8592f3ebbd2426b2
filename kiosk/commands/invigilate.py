"""`pix-kiosk invigilate --server URL`: the invigilator console (and the lead's tools).

    pix-kiosk invigilate --server URL [--lang fr|en] [--large-type]
        [--admin-token-file FILE] [--documents DIR]

The invigilator signs in with the session number and the invigilator code from the session
sheet; the certification lead opens "Espace responsable de session" with the admin token
(`--admin-token-file` fills it in). PDFs are saved in `--documents` (default
~/Documents/pix-kiosk) and opened with the desktop's PDF viewer. See docs/console.md.
"""

import argparse
import asyncio
import sys
from pathlib import Path

import qasync
from PySide6.QtWidgets import QApplication

from kiosk.commands.run import report_failure
from kiosk.console.controller import ConsoleController, default_documents_dir
from kiosk.console.language import ConsoleLanguage
from kiosk.console.look import restyle
from kiosk.console.window import ConsoleWindow
from kiosk.i18n import LANGUAGES
from kiosk.tls import AuthorityFileError, trusted_authorities
from kiosk.ui.main_thread_gc import MainThreadCollection


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "invigilate",
        help="open the invigilator console / ouvrir la console surveillant",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--server", required=True, metavar="URL", help="the exam server")
    parser.add_argument("--lang", choices=LANGUAGES, default="fr", help="language (default fr)")
    parser.add_argument("--large-type", action="store_true", help="large type, read from afar")
    parser.add_argument(
        "--admin-token-file", type=Path, metavar="FILE", help="the lead's admin token"
    )
    parser.add_argument("--documents", type=Path, metavar="DIR", help="where PDFs are saved")
    parser.add_argument(
        "--geometry", metavar="WxH+X+Y", help="where the window opens (e.g. beside the kiosk)"
    )
    parser.add_argument(
        "--ca-file",
        type=Path,
        metavar="FILE",
        help="the authority of the server's certificate, when this PC does not trust it already",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    admin_token = ""
    if args.admin_token_file is not None:
        try:
            admin_token = args.admin_token_file.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError) as error:
            print(
                f"pix-kiosk: lecture impossible du jeton {args.admin_token_file} ({error}).\n"
                f"pix-kiosk: cannot read the token {args.admin_token_file} ({error}).",
                file=sys.stderr,
            )
            return 2
    try:
        tls = trusted_authorities(args.ca_file)
    except AuthorityFileError as error:
        return report_failure(error)
    qt_arguments = sys.argv[:1] + (["-qwindowgeometry", args.geometry] if args.geometry else [])
    app = QApplication.instance() or QApplication(qt_arguments)
    assert isinstance(app, QApplication)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    language = ConsoleLanguage(app)
    language.set_language(args.lang)
    restyle(app, args.large_type)
    window = ConsoleWindow(language, args.server, admin_token, args.large_type)
    controller = ConsoleController(window, args.documents or default_documents_dir(), tls=tls)
    closed = asyncio.Event()
    app.lastWindowClosed.connect(closed.set)

    async def until_closed() -> int:
        window.show()
        window.show_screen(window.sign_in)
        await closed.wait()
        await controller.close()
        return 0

    with loop, MainThreadCollection(app):
        return loop.run_until_complete(until_closed())
