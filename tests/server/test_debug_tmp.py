import asyncio
from kiosk.robot import RobotSettings, read_candidates_csv, RobotCandidate
from kiosk.console.api import ConsoleApi

def test_debug(live_server, tmp_path):
    planned = live_server.plan(1)
    settings = RobotSettings(live_server.url, planned.session_number, planned.access_code, planned.enrol_token)
    async def go():
        inv = ConsoleApi(live_server.url)
        await inv.sign_in(planned.session_number, planned.invigilator_code)
        robot = RobotCandidate(0, read_candidates_csv(planned.csv_text)[0], settings, tmp_path / "r", inv)
        await asyncio.wait_for(robot.enrol(), 10); print("enrolled")
        print(await asyncio.wait_for(robot.check_in(), 10))
        await asyncio.wait_for(robot.wait_for_ticket(), 10); print("ticket")
        import time; t=time.time(); await asyncio.wait_for(robot.take_exam(), 30); print("exam", time.time()-t, robot.outbox.refusal, robot.outbox.last_error, robot.outbox.pending)
        t=time.time(); ok = await robot.outbox.flush(5); print("flush", ok, time.time()-t, robot.outbox.pending, robot.outbox._idle.is_set(), robot.outbox._task); await asyncio.wait_for(robot.finish(), 30); print("finished", robot.outcome)
        await robot.close(); await inv.close()
    asyncio.run(go())
