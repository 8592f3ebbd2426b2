"""The core on Windows: the named pipe transport, with Windows' own calls stood in for
(windows_pipes.FakeWindowsPipes, and stand-in DLLs for the ctypes layer) and everything else
real: the exam core, its server on loopback, the window's link, the protocol.

The window's account reaches its first question and answers; an account the pipe's access list
does not name cannot even open the pipe; an account it names but the core does not serve
(SYSTEM, say) is refused at the door; a name another program took first stops the core."""

import asyncio
import ctypes

import pytest
from core_accounts import core_lab, reach_first_question
from windows_pipes import FakeWindowsPipes, StandInDll

from kiosk.core.link import CoreLink
from kiosk.core.protocol import CoreRefusal, CoreUnavailable
from kiosk.core.runner import build_core
from kiosk.core.service import CoreService
from kiosk.core.transport import core_transport, pipe_name
from kiosk.core.transport_pipe import (
    FILE_CREATE_PIPE_INSTANCE,
    FILE_FLAG_FIRST_PIPE_INSTANCE,
    PIPE_REJECT_REMOTE_CLIENTS,
    SE_GROUP_ENABLED,
    SERVICE_STATUS_PROCESS,
    SID_AND_ATTRIBUTES,
    TOKEN_GROUPS,
    TOKEN_USER,
    WINDOW_PIPE_ACCESS,
    NamedPipeTransport,
    PipeNameTaken,
    Win32Pipes,
    pipe_sddl,
)
from kiosk.core.windows_service import SERVICE_NAME

pytestmark = pytest.mark.slow

CORE_SID = "S-1-5-80-1111"  # NT SERVICE\pix-kiosk-core
WINDOW_SID = "S-1-5-21-2222-1001"  # the candidate's desktop account
OTHER_SID = "S-1-5-21-2222-1002"  # another desktop account on the PC
SYSTEM_SID = "S-1-5-18"
USERS_SID = "S-1-5-32-545"  # the Users group: the window of any pupil's session
PIPE = "\\\\.\\pipe\\pix-kiosk-core"
GENERIC_WRITE = 0x40000000  # would let the window create instances of the core's pipe


def test_the_pipe_admits_system_the_core_and_the_window_only():
    sddl = pipe_sddl(CORE_SID, frozenset({WINDOW_SID}))
    assert sddl == f"D:P(A;;GA;;;S-1-5-18)(A;;GA;;;{CORE_SID})(A;;0x12018b;;;{WINDOW_SID})"
    assert pipe_name("/run/pix-kiosk/pix-kiosk-core") == PIPE and pipe_name(PIPE) == PIPE
    transport = core_transport(PIPE, allowed_sids=frozenset({WINDOW_SID}), platform="win32")
    assert isinstance(transport, NamedPipeTransport) and transport.address == PIPE


class Peer:
    def __init__(self, *sids: str) -> None:
        self.sids = frozenset(sids)

    def get_extra_info(self, name, default=None):
        return self.sids if name == "peer_sids" else default


def test_the_core_serves_an_account_or_a_member_of_an_allowed_group():
    by_group = NamedPipeTransport(PIPE, frozenset({USERS_SID}), api=FakeWindowsPipes(CORE_SID))
    assert by_group.admits(Peer(WINDOW_SID, USERS_SID))
    assert not by_group.admits(Peer(SYSTEM_SID)) and not by_group.admits(Peer())
    sddl = pipe_sddl(CORE_SID, frozenset({USERS_SID}))
    assert sddl.endswith(f"(A;;0x12018b;;;{USERS_SID})")


@pytest.fixture
def lab(tmp_path):
    with core_lab(tmp_path / "pc", tmp_path / "server") as lab:
        yield lab


def test_the_window_sits_its_exam_over_the_pipe_and_strangers_are_kept_out(lab):
    pipes = FakeWindowsPipes(CORE_SID)
    pipes.services[SERVICE_NAME] = CORE_SID
    seen: dict = {}

    async def scenario() -> None:
        core = build_core(lab.config, lab.config.data_dir)
        served = NamedPipeTransport(PIPE, frozenset({WINDOW_SID}), api=pipes)
        service = await CoreService(core, lab.config.data_dir, frozenset(), served).start()
        core.start()
        window = NamedPipeTransport(
            PIPE, api=pipes, core_sids=frozenset({CORE_SID}), core_service=SERVICE_NAME
        )
        try:
            pipes.caller_sid = OTHER_SID
            with pytest.raises(CoreUnavailable) as unreachable:
                await CoreLink(lab.config.data_dir, window).connect()
            seen["other account"] = str(unreachable.value)
            pipes.caller_sid = SYSTEM_SID
            with pytest.raises(CoreRefusal) as refused:
                await CoreLink(lab.config.data_dir, window).connect()
            seen["system"] = refused.value.code
            pipes.caller_sid = CORE_SID
            with pytest.raises(PipeNameTaken):  # another program cannot take over the name
                await NamedPipeTransport(PIPE, api=pipes).listen(lambda *_: None, limit=1024)
            pipes.caller_sid = WINDOW_SID
            link = await CoreLink(lab.config.data_dir, window).connect()
            state = await reach_first_question(link, lab)
            shown = state["item"]
            seen["view"] = (await link.request("item", item_id=shown["id"]))["item"]
            await link.request("answer", item_id=shown["id"], response=None, skipped=True)
            for _ in range(100):
                if link.state["item"] and link.state["item"]["position"] == 2:
                    break
                await asyncio.sleep(0.05)
            seen["next"] = link.state["item"]
            seen["refused peers"] = service.refused_peers
            await link.close()
        finally:
            await service.close()
            await core.close()
            await core.server.aclose()

    asyncio.run(scenario())
    assert "access denied" in seen["other account"]
    assert seen["system"] == "peer_refused" and seen["refused peers"] == 1
    assert "correct_choices" not in seen["view"]
    assert seen["next"]["position"] == 2
    name, sddl, first = pipes.created[0]
    assert (name, first) == (PIPE, True)
    assert sddl == pipe_sddl(CORE_SID, frozenset({WINDOW_SID}))
    assert all(not first for _, _, first in pipes.created[1:])


def test_the_ctypes_layer_asks_windows_for_the_right_pipe_and_the_clients_account():
    def descriptor(sddl, revision, out, _size):
        assert (sddl, revision) == (pipe_sddl(CORE_SID, frozenset({WINDOW_SID})), 1)
        out._obj.value = 0x5D
        return 1

    def token_of(process, access, out):
        assert process == 55 and access == 0x0008
        out._obj.value = 66
        return 1

    def token_information(token, klass, buffer, _size, _needed):
        if klass == 1:  # TokenUser
            ctypes.cast(buffer, ctypes.POINTER(TOKEN_USER)).contents.User.Sid = 0xABC
            return 1
        assert klass == 2  # TokenGroups: Users (enabled), a group for deny only (not enabled)
        groups = ctypes.cast(buffer, ctypes.POINTER(TOKEN_GROUPS)).contents
        groups.GroupCount = 2
        entries = ctypes.cast(
            ctypes.addressof(groups.Groups), ctypes.POINTER(SID_AND_ATTRIBUTES * 2)
        ).contents
        entries[0].Sid, entries[0].Attributes = 0xDEF, SE_GROUP_ENABLED
        entries[1].Sid, entries[1].Attributes = 0x123, 0x10
        return 1

    names = {0xABC: WINDOW_SID, 0xDEF: USERS_SID, 0x123: "S-1-5-32-544"}

    def sid_text(sid, out):
        out._obj.value = names[sid.value]
        return 1

    def client_pid(_handle, out):
        out._obj.value = 4321
        return 1

    def service_status(handle, level, status, size, _needed):
        assert (handle, level, size) == (0x51, 0, ctypes.sizeof(SERVICE_STATUS_PROCESS))
        status._obj.dwProcessId = 4321
        return 1

    kernel32 = StandInDll(
        CreateNamedPipeW=lambda *args: 42,
        CreateFileW=lambda *args: 77,
        LocalFree=lambda _pointer: None,
        GetNamedPipeClientProcessId=client_pid,
        GetNamedPipeServerProcessId=lambda handle, out: handle == 77 and client_pid(handle, out),
        OpenProcess=lambda access, inherit, pid: 55 if pid == 4321 else 0,
        CloseHandle=lambda _handle: 1,
    )
    advapi32 = StandInDll(
        ConvertStringSecurityDescriptorToSecurityDescriptorW=descriptor,
        OpenProcessToken=token_of,
        GetTokenInformation=token_information,
        ConvertSidToStringSidW=sid_text,
        OpenSCManagerW=lambda machine, database, access: 0x50 if access == 1 else 0,
        OpenServiceW=lambda manager, name, access: 0x51 if (manager, access) == (0x50, 4) else 0,
        QueryServiceStatusEx=service_status,
        CloseServiceHandle=lambda _handle: 1,
    )
    api = Win32Pipes(kernel32, advapi32, last_error=lambda: 0)
    sddl = pipe_sddl(CORE_SID, frozenset({WINDOW_SID}))
    assert api.create_instance(PIPE, sddl, first=True) == 42
    _, name, open_mode, pipe_mode, *_rest, attributes = next(
        call for call in kernel32.calls if call[0] == "CreateNamedPipeW"
    )
    assert name == PIPE and open_mode & FILE_FLAG_FIRST_PIPE_INSTANCE
    assert pipe_mode & PIPE_REJECT_REMOTE_CLIENTS
    assert attributes._obj.lpSecurityDescriptor == 0x5D
    freed = [call[1] for call in kernel32.calls if call[0] == "LocalFree"]
    assert [pointer.value for pointer in freed] == [0x5D]  # the descriptor, once used
    assert api.client_sids(42) == {WINDOW_SID, USERS_SID}  # never the deny-only group
    assert ("CloseHandle", 55) in kernel32.calls and ("CloseHandle", 66) in [
        (name, getattr(handle, "value", handle)) for name, handle, *_ in kernel32.calls
    ]
    # The window's end: it opens the pipe without the right to add an instance of it, then
    # asks who serves it.
    assert api.open(PIPE) == 77
    _, name, access, *_rest = next(call for call in kernel32.calls if call[0] == "CreateFileW")
    assert name == PIPE and access == WINDOW_PIPE_ACCESS
    assert not access & (FILE_CREATE_PIPE_INSTANCE | GENERIC_WRITE)
    assert api.server_pid(77) == 4321 and api.server_pid(78) is None
    no_pipe = Win32Pipes(StandInDll(CreateFileW=lambda *args: -1), advapi32, lambda: 2)
    with pytest.raises(OSError, match="error 2"):  # INVALID_HANDLE_VALUE as ctypes returns it
        no_pipe.open(PIPE)
    assert api.process_user(4321) == WINDOW_SID and api.process_user(99) is None
    assert api.service_pid(SERVICE_NAME) == 4321
    assert ("OpenServiceW", 0x50, SERVICE_NAME, 4) in advapi32.calls
    closed = [call[1] for call in advapi32.calls if call[0] == "CloseServiceHandle"]
    assert closed == [0x51, 0x50]
