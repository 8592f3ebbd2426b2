"""The candidate's window: screens, item widgets, attachment viewer, theme and network status.

Screens take plain data and emit signals; they never talk to the network, the disk or the
engine. `kiosk.exam_session` decides which screen shows, from the exam core's state.
"""
