"""The exam core: the Qt-free process that holds the lab PC's keys and decides.

It verifies the ticket, unwraps the bank's content key, runs the engine, checks answers, writes
and streams the journal and seals the record. The candidate window (kiosk.exam_session and
kiosk.ui) only shows what the core hands it over a Unix socket (kiosk.core.protocol) and sends
back the candidate's actions; see docs/architecture.md.
"""
