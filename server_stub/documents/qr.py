"""QR codes drawn by Qt from the `qrcode` package's module matrix (no Pillow round trip)."""

import qrcode
from PySide6.QtGui import QColor, QImage, QPainter


def qr_matrix(payload: str) -> list[list[bool]]:
    """The QR modules for `payload`, quiet zone (4 modules) included; medium error correction."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(payload)
    code.make(fit=True)
    return code.get_matrix()


def qr_image(payload: str, module_pixels: int = 12) -> QImage:
    """A crisp black-on-white image of the QR code, `module_pixels` pixels per module."""
    matrix = qr_matrix(payload)
    side = len(matrix) * module_pixels
    image = QImage(side, side, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    ink = QColor("black")
    for row, modules in enumerate(matrix):
        for column, dark in enumerate(modules):
            if dark:
                painter.fillRect(
                    column * module_pixels, row * module_pixels, module_pixels, module_pixels, ink
                )
    painter.end()
    return image
