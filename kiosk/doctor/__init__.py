"""`pix-kiosk doctor`: every check IT needs before an exam, one module per group of checks.

`report` defines a check's result and how the report is printed; `checkup` runs the groups.
"""
