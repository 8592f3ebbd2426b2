"""Real keys, real items, real sealed banks and real device identities for the crypto tests.

Helpers are fixtures (factories) so that test modules never import one another.
"""

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from engine.itembank import ItemBank
from engine.items import Item, ItemType, Media
from engine.sealed_bank import SealedBankFile, seal_bank
from engine.ticket import TicketGrant
from kiosk.identity import DeviceIdentity

NOW = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


def _make_items(count: int, media_bytes: int = 0) -> list[Item]:
    competences = ("1.1", "2.3", "3.4", "4.1", "5.2")
    return [
        Item(
            id=f"rec{number:04d}",
            type=ItemType.QCU,
            competence=competences[number % len(competences)],
            tube=f"@tube{number}",
            skill=f"@tube{number}{1 + number % 7}",
            stem=f"Question secrète numéro {number} ?",
            choices=("oui", "non"),
            correct_choices=frozenset({number % 2}),
            discrimination=0.5 + (number % 10) / 5,
            difficulty=-3 + (number % 13) / 2,
            illustration=(
                Media(name="i.png", media_type="image/png", data=bytes(media_bytes), alt="vide")
                if media_bytes
                else None
            ),
        )
        for number in range(count)
    ]


def _seal_items(items: list[Item], key: Ed25519PrivateKey, label: str = "test") -> SealedBankFile:
    index = ItemBank.from_items(items).to_dict()
    return seal_bank(index, {item.id: item.to_dict() for item in items}, key, label=label)


@pytest.fixture(scope="session")
def make_items():
    return _make_items


@pytest.fixture(scope="session")
def seal_items():
    return _seal_items


@pytest.fixture(scope="session")
def grant_for():
    return _grant_for


@pytest.fixture(scope="session")
def now() -> datetime:
    return NOW


@pytest.fixture(scope="session")
def publisher_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="session")
def server_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="session")
def small_items() -> list[Item]:
    return _make_items(3)


@pytest.fixture(scope="session")
def small_bank(small_items, publisher_key) -> SealedBankFile:
    return _seal_items(small_items, publisher_key)


@pytest.fixture
def device(tmp_path) -> DeviceIdentity:
    return DeviceIdentity.load_or_create(tmp_path / "device")


@pytest.fixture
def other_device(tmp_path) -> DeviceIdentity:
    return DeviceIdentity.load_or_create(tmp_path / "other-device")


def _grant_for(device: DeviceIdentity, **changes) -> TicketGrant:
    values = dict(
        kind="start",
        session_id="12345",
        candidate_id="cand-7",
        device_id=device.device_id,
        exam_id="exam-0001",
        bank_id="sha256:" + "ab" * 32,
        server_start_time=NOW,
        time_allowed_s=105 * 60 + 35 * 60,
        extra_time_percent=33,
        selection_seed=2**53 - 1,
        mode="default",
        config={"length": 32, "mode": "default"},
        accessibility=("colour_blind",),
        kiosk_config_key="c0" * 32,
        kiosk_version="1.0",
        issued_at=NOW,
        expires_at=NOW + timedelta(minutes=15),
    )
    values.update(changes)
    return TicketGrant(**values)
