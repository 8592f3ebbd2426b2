"""The PySide6 app: the locked-down candidate client, the invigilator console and IT tools."""
