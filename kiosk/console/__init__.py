"""The invigilator console (`pix-kiosk invigilate`) and the session lead's screens: sign-in, the
live room, the action dialogs, the end of session; `api.py` is its client of the server."""
