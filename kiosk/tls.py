"""The certificate authorities a kiosk, its enrolment, its doctor and the console trust.

A school's exam server usually carries a certificate from the school's (or the académie's) own
authority, which IT installs on the lab PCs. So the trust is the operating system's store
(Linux: /etc/ssl/certs; Windows: the system store) — where IT installs it — with the public
authorities (certifi, for systems whose store Python cannot read, such as macOS), and the
authority the lab configuration names, if any (`[server] ca_file`, or `--ca-file`).
"""

import ssl
from functools import lru_cache
from pathlib import Path

import certifi

from engine.canonical import BilingualError


class AuthorityFileError(BilingualError):
    """A certificate-authority file that cannot be used."""


def server_verification(verify: ssl.SSLContext | bool) -> ssl.SSLContext | bool:
    """What an HTTP client is given to check servers: True means `trusted_authorities()`, a
    context is kept, False checks nothing (rehearsals on a throwaway server only)."""
    return trusted_authorities() if verify is True else verify


def trusted_authorities(ca_file: Path | None = None) -> ssl.SSLContext:
    """A TLS context verifying servers against the system's, the public and `ca_file`'s
    authorities (made once per file: loading a store takes tens of milliseconds)."""
    return _context(None if ca_file is None else str(ca_file))


@lru_cache(maxsize=8)
def _context(ca_file: str | None) -> ssl.SSLContext:
    context = ssl.create_default_context()  # the operating system's store
    context.load_verify_locations(cafile=certifi.where())
    if ca_file is not None:
        try:
            context.load_verify_locations(cafile=ca_file)
        except (OSError, ssl.SSLError) as error:
            raise AuthorityFileError(
                "ca_file",
                f"Le fichier d'autorité de certification {ca_file} est illisible ou n'est pas "
                f"un certificat PEM ({error}) : demandez à l'administrateur du serveur le "
                "certificat de l'autorité qui a signé le sien (fichier .pem ou .crt).",
                f"The certificate-authority file {ca_file} cannot be read or is not a PEM "
                f"certificate ({error}): ask the server's administrator for the certificate of "
                "the authority that signed the server's (a .pem or .crt file).",
            ) from None
    return context
