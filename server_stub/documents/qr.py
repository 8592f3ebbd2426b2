"""QR codes from the `qrcode` package's module matrix, as a crisp black-and-white image (one
square of pixels per module, stored losslessly in the PDF)."""

import qrcode
from PIL import Image


def qr_matrix(payload: str) -> list[list[bool]]:
    """The QR modules for `payload`, quiet zone (4 modules) included; medium error correction."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(payload)
    code.make(fit=True)
    return code.get_matrix()


def qr_image(payload: str, module_pixels: int = 10) -> Image.Image:
    """The QR code of `payload`, `module_pixels` pixels per module."""
    matrix = qr_matrix(payload)
    side = len(matrix)
    modules = Image.new("1", (side, side), 1)
    modules.putdata([0 if dark else 1 for row in matrix for dark in row])
    return modules.resize((side * module_pixels,) * 2, Image.Resampling.NEAREST)
