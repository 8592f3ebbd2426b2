"""The kiosk's configuration key at check-in, through the real window against a real server
process: refused on the check-in screen (in the candidate's language) while the server's list
lacks it, accepted once IT allows it with `pix-server config-key allow`, and then carried by the
signed ticket into the exam's record."""

import asyncio
import json

import pytest

from engine.cli import package_version
from kiosk.commands.run import Kiosk, lockdown_policy, run_kiosk
from kiosk.config_key import ConfigKey, kiosk_config_key
from kiosk.rehearsal import SimulatedCandidate, authorise_each_arrival

pytestmark = pytest.mark.slow

OTHER_LAB = ConfigKey.of({"room": "elsewhere"}, package_version())


def test_an_unknown_configuration_is_refused_until_it_is_allowed(lab):
    config = lab.config
    key = kiosk_config_key(config, lockdown_policy(config))
    lab.server.command("config-key", "allow", OTHER_LAB.key, "--label", "another lab")
    seen: dict = {}

    def candidate(kiosk: Kiosk) -> SimulatedCandidate:
        kiosk.window.checkin.reset()
        return lab.candidate(kiosk.session, 0, pace_s=0.0)

    async def scenario(kiosk: Kiosk) -> int:
        kiosk.window.show()
        seen["french"] = (await candidate(kiosk).run()).failure
        kiosk.session.switcher.set_language("en")
        seen["english"] = (await candidate(kiosk).run()).failure
        kiosk.session.switcher.set_language("fr")
        lab.server.command("config-key", "allow", key.key, "--label", "salle B12")
        console = await lab.console()
        invigilator = asyncio.ensure_future(authorise_each_arrival(kiosk.session, console))
        sitting = candidate(kiosk)
        seen["completed"] = (await sitting.run()).completed
        seen["last_name"] = sitting.candidate.last_name
        seen["ticket"] = kiosk.core.exam.ticket
        seen["record_sent"] = await kiosk.session.wait_record_sent(60)
        invigilator.cancel()
        await console.close()
        return 0

    assert run_kiosk(config, scenario, core_in_thread=True) == 0
    assert "Ce poste n'est pas autorisé" in seen["french"], seen["french"]
    assert "This PC is not allowed by the server" in seen["english"], seen["english"]
    for message in (seen["french"], seen["english"]):
        assert key.key[:16] in message and "pix-kiosk doctor" in message
    assert seen["completed"] and seen["record_sent"]
    assert seen["ticket"].kiosk_config_key == key.key
    assert seen["ticket"].kiosk_version == key.app_version == package_version()
    row = lab.exported(seen["last_name"])
    assert row["status"] == "validated" and row["config_key"] == key.key
    listed = json.loads(lab.server.command("config-key", "list", "--json"))
    assert {entry["config_key"] for entry in listed["allowed"]} == {OTHER_LAB.key, key.key}
    assert listed["seen_not_allowed"] == []
