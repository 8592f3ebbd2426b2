"""Fixtures for the IT tools: a real sealed bank and a lab configuration file that points at it."""

from pathlib import Path

import pytest
import tomli_w
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from engine.keys import public_key_b64
from engine.sealed_bank import seal_bank


@pytest.fixture
def publisher_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def lab(tmp_path: Path, publisher_key: Ed25519PrivateKey) -> Path:
    """A lab configuration (returned) with its data directory and a bank sealed by the publisher."""
    data_dir = tmp_path / "data"
    (data_dir / "banks").mkdir(parents=True)
    sealed = seal_bank(
        {"items": []},
        {"q1": {"id": "q1", "stem": "?"}},
        publisher_key,
        label="test bank",
    )
    bank = data_dir / "banks" / "test.pixbank"
    bank.write_bytes(sealed.data)
    config = data_dir / "kiosk.toml"
    write_config(
        config,
        server_public_key=public_key_b64(Ed25519PrivateKey.generate().public_key()),
        publisher_public_key=public_key_b64(publisher_key.public_key()),
    )
    return config


def write_config(
    path: Path,
    *,
    server_public_key: str,
    publisher_public_key: str,
    server_url: str = "http://127.0.0.1:9",
    bank: str = "banks/test.pixbank",
    secure_mode: bool = True,
) -> None:
    """The lab configuration as docs/kiosk.md documents it; paths relative to the file."""
    document = {
        "server": {"url": server_url, "public_key": server_public_key},
        "publisher": {"public_key": publisher_public_key},
        "kiosk": {"data_dir": ".", "bank": bank, "secure_mode": secure_mode},
    }
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
