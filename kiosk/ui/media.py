"""Turning an item's media bytes into something Qt can show, in memory only (nothing hits disk)."""

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from engine.items import Media

MAX_ENLARGEMENT = 1.25  # past this, small pictures turn blurry or crowd out the question


def media_pixmap(media: Media, max_width: int, pixel_ratio: float = 1.0) -> QPixmap | None:
    """The image scaled to fit `max_width` (enlarged at most 1.25 times), or None when the
    bytes are not a readable image (the caller then shows the alternative text instead)."""
    if media.media_type == "image/svg+xml":
        return _svg_pixmap(media.data, max_width, pixel_ratio)
    image = QImage.fromData(media.data)
    if image.isNull():
        return None
    pixmap = QPixmap.fromImage(image)
    width = min(max_width, round(image.width() * MAX_ENLARGEMENT))
    if pixmap.width() != width:
        pixmap = pixmap.scaledToWidth(
            round(width * pixel_ratio), Qt.TransformationMode.SmoothTransformation
        )
        pixmap.setDevicePixelRatio(pixel_ratio)
    return pixmap


def _svg_pixmap(data: bytes, max_width: int, pixel_ratio: float) -> QPixmap | None:
    renderer = QSvgRenderer(QByteArray(data))
    if not renderer.isValid():
        return None
    size = renderer.defaultSize()
    if size.isEmpty():
        return None
    width = min(max_width, round(size.width() * MAX_ENLARGEMENT))
    height = round(size.height() * width / size.width())
    image = QImage(
        round(width * pixel_ratio), round(height * pixel_ratio), QImage.Format.Format_ARGB32
    )
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, image.width(), image.height()))
    painter.end()
    pixmap = QPixmap.fromImage(image)
    pixmap.setDevicePixelRatio(pixel_ratio)
    return pixmap
