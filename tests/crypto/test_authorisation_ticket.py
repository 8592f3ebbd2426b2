"""Authorisation tickets: issued by the server, usable only by the named device, in time."""

import copy
import json
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from engine.canonical import b64encode, canonical_json
from engine.ticket import (
    SIGNATURE_DOMAIN,
    TICKET_VERSION,
    TicketError,
    issue_ticket,
    unwrap_content_key,
    verify_ticket,
)

CONTENT_KEY = bytes(range(32))


def _resign(body, server_key):
    return {
        "ticket": body,
        "signature": b64encode(server_key.sign(SIGNATURE_DOMAIN + canonical_json(body))),
    }


@pytest.fixture
def signed(device, server_key, grant_for):
    ticket = issue_ticket(
        grant_for(device),
        content_key=CONTENT_KEY,
        device_exchange_key=device.exchange_public_key,
        server_key=server_key,
    )
    return json.loads(json.dumps(ticket))  # as it arrives over HTTP


def test_the_device_verifies_and_unwraps(signed, device, server_key, grant_for, now):
    ticket = verify_ticket(signed, server_key.public_key(), device_id=device.device_id, now=now)
    grant = grant_for(device)
    for name in grant.__dataclass_fields__:
        assert getattr(ticket, name) == getattr(grant, name), name
    assert ticket.signed == signed
    assert unwrap_content_key(ticket, device.exchange_key) == CONTENT_KEY


def test_a_ticket_for_another_device_is_refused(signed, other_device, server_key, now):
    with pytest.raises(TicketError) as caught:
        verify_ticket(signed, server_key.public_key(), device_id=other_device.device_id, now=now)
    assert caught.value.code == "wrong_device"


def test_another_device_cannot_unwrap_the_key(signed, other_device, server_key):
    ticket = verify_ticket(signed, server_key.public_key())
    with pytest.raises(TicketError) as caught:
        unwrap_content_key(ticket, other_device.exchange_key)
    assert caught.value.code == "unwrap_failed"


def test_expired(signed, device, server_key, now):
    key = server_key.public_key()
    verify_ticket(signed, key, device_id=device.device_id, now=now + timedelta(minutes=14))
    with pytest.raises(TicketError) as caught:
        verify_ticket(signed, key, device_id=device.device_id, now=now + timedelta(minutes=15))
    assert caught.value.code == "expired"
    assert "surveillant" in caught.value.fr and "invigilator" in caught.value.en


def test_not_signed_by_the_pinned_server(signed, device, now):
    stranger = Ed25519PrivateKey.generate()
    with pytest.raises(TicketError) as caught:
        verify_ticket(signed, stranger.public_key(), device_id=device.device_id, now=now)
    assert caught.value.code == "bad_signature"
    assert "attend" in caught.value.fr  # names the key the kiosk expected


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("device_id", "aaaa-bbbb-cccc-dddd-eeee"),
        ("candidate_id", "cand-8"),
        ("selection_seed", 1),
        ("time_allowed_s", 99999),
        ("expires_at", "2030-01-01T00:00:00Z"),
        ("kind", "resume"),
        ("bank_id", "sha256:" + "cd" * 32),
        ("accessibility", []),
        ("config", {"length": 12}),
    ],
)
def test_any_changed_field_breaks_the_signature(signed, server_key, name, value):
    tampered = copy.deepcopy(signed)
    tampered["ticket"][name] = value
    with pytest.raises(TicketError) as caught:
        verify_ticket(tampered, server_key.public_key())
    assert caught.value.code == "bad_signature"


def test_a_swapped_wrapped_key_does_not_unwrap(signed, device, server_key, grant_for):
    """A key wrapped for this device under another bank id does not pass as this bank's."""
    other = issue_ticket(
        grant_for(device, bank_id="sha256:" + "ef" * 32),
        content_key=bytes(32),
        device_exchange_key=device.exchange_public_key,
        server_key=server_key,
    )
    body = copy.deepcopy(signed["ticket"])
    body["wrapped_content_key"] = other["ticket"]["wrapped_content_key"]
    resigned = _resign(body, server_key)
    with pytest.raises(TicketError) as caught:
        unwrap_content_key(verify_ticket(resigned, server_key.public_key()), device.exchange_key)
    assert caught.value.code == "unwrap_failed"


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t.pop("signature"),
        lambda t: t.update(signature="not base64!"),
        lambda t: t.update(ticket=[1, 2]),
        lambda t: t.pop("ticket"),
    ],
)
def test_malformed_wire_forms(signed, server_key, mangle):
    mangle(signed)
    with pytest.raises(TicketError) as caught:
        verify_ticket(signed, server_key.public_key())
    assert caught.value.code in ("malformed", "bad_signature")


def test_signed_but_unknown_version_or_bad_fields(signed, server_key):
    newer = _resign(signed["ticket"] | {"version": TICKET_VERSION + 1}, server_key)
    with pytest.raises(TicketError) as caught:
        verify_ticket(newer, server_key.public_key())
    assert caught.value.code == "unknown_version"
    changes = (
        {"selection_seed": "12"},
        {"kind": "peek"},
        {"issued_at": "yesterday"},
        {"kiosk_config_key": None},
    )
    for change in changes:
        with pytest.raises(TicketError) as caught:
            verify_ticket(_resign(signed["ticket"] | change, server_key), server_key.public_key())
        assert caught.value.code == "malformed", change


def test_the_server_refuses_to_issue_what_cannot_be_signed(device, server_key, grant_for):
    for grant in (grant_for(device, selection_seed=2**53), grant_for(device, kind="peek")):
        with pytest.raises(ValueError):
            issue_ticket(
                grant,
                content_key=CONTENT_KEY,
                device_exchange_key=device.exchange_public_key,
                server_key=server_key,
            )


def test_each_ticket_wraps_with_a_fresh_ephemeral_key(device, server_key, grant_for):
    def wrapped():
        return issue_ticket(
            grant_for(device),
            content_key=CONTENT_KEY,
            device_exchange_key=device.exchange_public_key,
            server_key=server_key,
        )["ticket"]["wrapped_content_key"]

    first, second = wrapped(), wrapped()
    assert first["ephemeral_public_key"] != second["ephemeral_public_key"]
