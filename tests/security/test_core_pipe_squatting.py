"""Name squatting on Windows: a pupil's program creates the core's named pipe, or an instance of
it, to pass itself off as the exam core (Windows' own calls stood in for by
windows_pipes.FakeWindowsPipes; the exam core, its server on loopback and the window's link
real).

- A name taken before the core starts: the core refuses to start, saying so in French and
  English for IT (`FILE_FLAG_FIRST_PIPE_INSTANCE`), and the window refuses the squatter before
  it sends or reads a byte (the server's process is neither the core's service nor its account).
- While the core runs, the window's account may not add an instance of its pipe (its access list
  grants read and write, not `FILE_CREATE_PIPE_INSTANCE`).
- The real core is taken for the core: the Service Control Manager's word that its process is the
  service's (a pupil cannot read a service's token), or its token's account; in the demo's
  single-account mode, this account."""

import asyncio

import pytest
from core_accounts import core_lab, reach_first_question
from windows_pipes import FakeWindowsPipes

from kiosk.core.launcher import InstalledCore
from kiosk.core.link import CoreLink
from kiosk.core.runner import build_core
from kiosk.core.service import CoreService
from kiosk.core.transport_pipe import NamedPipeTransport, NotTheCore, PipeNameTaken
from kiosk.core.windows_service import SERVICE_NAME, service_sid

pytestmark = pytest.mark.slow

CORE_SID = service_sid(SERVICE_NAME)  # NT SERVICE\pix-kiosk-core
WINDOW_SID = "S-1-5-21-2222-1001"  # the candidate's desktop account: the pupil's
PIPE = "\\\\.\\pipe\\core.sock"
LIMIT = 64 * 1024


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("squatting")
    with core_lab(root / "pc", root / "server") as lab:
        yield lab


def installed_window(pipes: FakeWindowsPipes) -> NamedPipeTransport:
    """The window of an installed PC, as `pix-kiosk run` builds it (InstalledCore)."""
    transport = InstalledCore(PIPE, platform="win32").transport()
    assert isinstance(transport, NamedPipeTransport) and transport.address == PIPE
    return NamedPipeTransport(
        PIPE, api=pipes, core_sids=transport.core_sids, core_service=transport.core_service
    )


class Squatter:
    """A pupil's program serving the core's pipe name: it records what windows send it."""

    def __init__(self) -> None:
        self.received: list[bytes] = []

    async def serve(self, reader: asyncio.StreamReader, writer) -> None:
        writer.write(b'{"event": "state", "state": {"phase": "check_in"}}\n')
        self.received.append(await reader.read())
        writer.close()


def test_a_name_taken_first_stops_the_core_and_the_window_refuses_the_squatter(lab):
    pipes = FakeWindowsPipes(CORE_SID)
    pipes.services[SERVICE_NAME] = CORE_SID
    squatter = Squatter()
    seen: dict = {}

    async def scenario() -> None:
        pipes.caller_sid = WINDOW_SID  # the pupil, before the service starts
        taken = NamedPipeTransport(PIPE, frozenset({WINDOW_SID}), api=pipes)
        listener = await taken.listen(squatter.serve, limit=LIMIT)
        pipes.caller_sid = CORE_SID
        core = build_core(lab.config, lab.config.data_dir)
        served = NamedPipeTransport(PIPE, frozenset({WINDOW_SID}), api=pipes)
        with pytest.raises(PipeNameTaken) as refused_to_start:
            await CoreService(core, lab.config.data_dir, frozenset(), served).start()
        seen["core"] = refused_to_start.value
        await core.server.aclose()
        pipes.caller_sid = WINDOW_SID  # the candidate's window
        with pytest.raises(NotTheCore) as refused:
            await CoreLink(lab.config.data_dir, installed_window(pipes)).connect()
        seen["window"] = refused.value
        await asyncio.sleep(0.2)
        listener.close()
        await listener.wait_closed()

    asyncio.run(scenario())
    core, window = seen["core"], seen["window"]
    assert core.code == "pipe_name_taken"
    assert f"Le canal {PIPE} existe déjà" in core.fr and "ne démarre pas" in core.fr
    assert f"The pipe {PIPE} already exists" in core.en and "does not start" in core.en
    assert window.code == "not_the_core"
    squatter_pid = pipes.pid_of(WINDOW_SID)
    assert f"processus {squatter_pid}, compte {WINDOW_SID}" in window.fr
    assert f"le service {SERVICE_NAME} ou le compte {CORE_SID}" in window.fr
    assert "Ne commencez pas d'épreuve" in window.fr
    assert f"process {squatter_pid}, account {WINDOW_SID}" in window.en
    assert f"the {SERVICE_NAME} service or the account {CORE_SID}" in window.en
    assert "tell IT" in window.en
    assert squatter.received == [b""]  # the window hung up without sending a byte


def test_the_window_s_account_cannot_add_an_instance_beside_the_running_core(lab):
    pipes = FakeWindowsPipes(CORE_SID)

    async def scenario() -> None:
        served = NamedPipeTransport(PIPE, frozenset({WINDOW_SID}), api=pipes)
        listener = await served.listen(Squatter().serve, limit=LIMIT)
        try:
            with pytest.raises(OSError) as denied:
                pipes.create_instance_as(WINDOW_SID, PIPE, f"D:P(A;;GA;;;{WINDOW_SID})")
            assert denied.value.errno == 5
            pipes.close(pipes.create_instance_as(CORE_SID, PIPE, "ignored"))  # the core may
        finally:
            listener.close()
            await listener.wait_closed()

    asyncio.run(scenario())


def test_the_window_takes_the_core_s_service_or_account_for_the_core_and_nothing_else(lab):
    seen: dict = {}

    async def sit(pipes: FakeWindowsPipes, window: NamedPipeTransport) -> str:
        """The core serving as `pipes.core_sid`, the window as WINDOW_SID: how far it gets."""
        pipes.caller_sid = pipes.core_sid
        core = build_core(lab.config, lab.config.data_dir)
        served = NamedPipeTransport(PIPE, frozenset({WINDOW_SID}), api=pipes)
        service = await CoreService(core, lab.config.data_dir, frozenset(), served).start()
        core.start()
        pipes.caller_sid = WINDOW_SID
        try:
            link = await CoreLink(lab.config.data_dir, window).connect()
        except NotTheCore as refused:
            return refused.code
        finally:
            pipes.caller_sid = pipes.core_sid
        try:
            if "first question" not in seen:
                seen["first question"] = (await reach_first_question(link, lab))["item"]
            return "served"
        finally:
            await link.close()
            await service.close()
            await core.close()
            await core.server.aclose()

    async def scenario() -> None:
        by_scm = FakeWindowsPipes(CORE_SID)
        by_scm.services[SERVICE_NAME] = CORE_SID  # its token unreadable: the SCM vouches
        seen["service's process"] = await sit(by_scm, installed_window(by_scm))
        unknown = FakeWindowsPipes(CORE_SID)  # no service, token unreadable: not proven
        seen["unproven"] = await sit(unknown, installed_window(unknown))
        alone = FakeWindowsPipes(WINDOW_SID)  # the demo: core and window, one account
        seen["same account"] = await sit(alone, NamedPipeTransport(PIPE, api=alone))
        stranger = FakeWindowsPipes("S-1-5-21-2222-1002")  # another account's "core"
        seen["another account"] = await sit(stranger, NamedPipeTransport(PIPE, api=stranger))

    asyncio.run(scenario())
    assert seen["first question"]["position"] == 1
    assert seen["service's process"] == "served"
    assert seen["unproven"] == "not_the_core"
    assert seen["same account"] == "served"
    assert seen["another account"] == "not_the_core"
