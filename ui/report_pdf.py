"""Render a verified record as the printable report: PDF through QPdfWriter, or a printer.

The content comes from ``app.text.report``; this module only lays it out with Qt
(QTextDocument), draws the QR code of the record's sha256 from qrcode's matrix, and uses the
bundled font. UI thread only (Qt painting).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (QAbstractTextDocumentLayout, QColor, QFont, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter,
                           QTextDocument)

from app.text.report import QR_RESOURCE, STYLESHEET, footer_text, report_html, watermark
from ui.fonts import FAMILY, register_fonts
from ui.widgets.qr_code import qr_matrix

PAPER = {"a4": QPageSize.PageSizeId.A4, "letter": QPageSize.PageSizeId.Letter}


def qr_image(text: str, module_px: int = 8) -> QImage:
    matrix = qr_matrix(text)
    size = len(matrix) * module_px
    image = QImage(size, size, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                painter.fillRect(x * module_px, y * module_px, module_px, module_px, QColor("black"))
    painter.end()
    return image


def new_document(device: Any = None, stylesheet: str = STYLESHEET, qr_text: str = "") -> QTextDocument:
    """An empty report document: the bundled font (9 pt, no ligatures), ``stylesheet``, laid
    out for ``device`` (a QPdfWriter or QPrinter, so points mean points) and, when ``qr_text``
    is given, its QR code as the image ``QR_RESOURCE``. The caller sets the HTML."""
    register_fonts()
    document = QTextDocument()
    if device is not None:
        document.documentLayout().setPaintDevice(device)
    font = QFont(FAMILY, 9)
    # No ligatures: check IDs like "root.signing-certificates" must copy out of the PDF intact.
    font.setStyleStrategy(QFont.StyleStrategy.PreferNoShaping)
    document.setDefaultFont(font)
    document.setDefaultStyleSheet(stylesheet)
    if qr_text:
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(QR_RESOURCE), qr_image(qr_text))
    return document


def build_document(record: Any, device: Any = None) -> QTextDocument:
    """The report laid out for ``device`` (a QPdfWriter or QPrinter), so points mean points."""
    document = new_document(device, STYLESHEET, record.record_id)
    document.setHtml(report_html(record.predicate, record.record_id, record.keyid, record.public_pem))
    return document


def page_layout(paper: str) -> QPageLayout:
    return QPageLayout(QPageSize(PAPER[paper]), QPageLayout.Orientation.Portrait, QMarginsF(18, 18, 18, 18), QPageLayout.Unit.Millimeter)


def pdf_writer(output: Path, paper: str, title: str) -> QPdfWriter:
    """A 300 dpi PDF writer for ``output``; raises OSError with a clear message when the folder
    is missing or not writable."""
    output = Path(output)
    if not output.parent.exists():
        raise OSError(f"the folder {output.parent} does not exist")
    if not os.access(output.parent, os.W_OK):
        raise OSError(f"the folder {output.parent} is not writable")
    writer = QPdfWriter(str(output))
    writer.setPageLayout(page_layout(paper))
    writer.setResolution(300)
    writer.setTitle(title)
    writer.setCreator("Rootwarden")
    return writer


def check_written(output: Path) -> Path:
    output = Path(output)
    if not output.exists() or output.stat().st_size == 0:
        raise OSError(f"{output} could not be written")
    return output


def write_pdf(record: Any, output: Path, paper: str = "a4") -> Path:
    """Render to ``output``; raises OSError with a clear message when it cannot be written."""
    writer = pdf_writer(output, paper, f"Rootwarden record — AWS account {record.account_id}")
    paint_pages(record, writer)
    return check_written(output)


def paint_pages(record: Any, device: Any) -> int:
    """Lay the report out on ``device`` (a QPdfWriter or QPrinter) page by page, each with a
    footer naming the account, the record's hash prefix and "page n/N", and — for a practice
    record or an unsigned summary — its label ("SIMULATED ACCOUNT — NOT EVIDENCE", "UNSIGNED — NOT
    A VERIFIABLE RECORD") across every page. Returns the page count."""
    return paint_document(build_document(record, device), device, footer_text(record.predicate, record.record_id),
                          watermark(record.predicate, signed=bool(record.record_id)))


def paint_document(document: QTextDocument, device: Any, footer: str, mark: str | None) -> int:
    """Paint ``document`` on ``device`` page by page, each page with the footer ``footer`` and
    "page n/N", and ``mark`` (if any) across it and in the footer. Returns the page count."""
    area = device.pageLayout().paintRectPixels(device.resolution())
    width, height = float(area.width()), float(area.height())
    footer_height = device.resolution() * 0.3  # about 7.6 mm
    body = height - footer_height
    document.setPageSize(QSizeF(width, body))
    pages = document.pageCount()
    painter = QPainter(device)
    try:
        for index in range(pages):
            if index:
                device.newPage()
            painter.save()
            painter.translate(0, -index * body)
            context = QAbstractTextDocumentLayout.PaintContext()
            context.clip = QRectF(0, index * body, width, body)
            painter.setClipRect(context.clip)
            document.documentLayout().draw(painter, context)
            painter.restore()
            _footer(painter, QRectF(0, body, width, footer_height), footer, f"page {index + 1}/{pages}", mark)
            if mark:
                _watermark(painter, width, body, mark)
    finally:
        painter.end()
    return pages


def _footer(painter: QPainter, rect: QRectF, text: str, page: str, mark: str | None) -> None:
    painter.save()
    font = QFont(FAMILY, 7)
    font.setStyleStrategy(QFont.StyleStrategy.PreferNoShaping)
    painter.setFont(font)
    painter.setPen(QColor("#444"))
    painter.drawLine(rect.topLeft(), rect.topRight())
    middle = int(Qt.AlignmentFlag.AlignVCenter)
    page_width = painter.fontMetrics().horizontalAdvance(page) * 1.2
    painter.drawText(rect, middle | int(Qt.AlignmentFlag.AlignRight), page)
    left = QRectF(rect.left(), rect.top(), rect.width() - page_width, rect.height())
    if mark:
        painter.setPen(QColor("#b22222"))
        text = f"{mark} · {text}"
    painter.drawText(left, middle | int(Qt.AlignmentFlag.AlignLeft), painter.fontMetrics().elidedText(text, Qt.TextElideMode.ElideMiddle, int(left.width())))
    painter.restore()


def _watermark(painter: QPainter, width: float, height: float, text: str) -> None:
    """A label (practice, unsigned) across the page, sized to fit its diagonal."""
    import math

    painter.save()
    font = QFont(FAMILY, 30)
    font.setBold(True)
    painter.setFont(font)
    diagonal = math.hypot(width, height) * 0.8
    advance = painter.fontMetrics().horizontalAdvance(text)
    if advance > diagonal:
        font.setPointSizeF(30 * diagonal / advance)
        painter.setFont(font)
    painter.setPen(QColor(200, 40, 40, 70))
    painter.translate(width / 2, height / 2)
    painter.rotate(-math.degrees(math.atan2(height, width)))
    painter.drawText(QRectF(-diagonal / 2, -height / 8, diagonal, height / 4), int(Qt.AlignmentFlag.AlignCenter), text)
    painter.restore()


def render_report(record: Any, output: Path, paper: str = "a4") -> Path:
    """Entry point for ``rootwarden report`` (no window needed)."""
    return render_without_window(write_pdf, record, output, paper)


def render_without_window(write: Any, record: Any, output: Path, paper: str) -> Path:
    """``write(record, output, paper)`` under a windowless Qt application (created if none
    exists); an unwritable output becomes a RootwardenError saying why."""
    from PySide6.QtGui import QGuiApplication

    from app.errors import RootwardenError

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QGuiApplication.instance() or QGuiApplication([])
    try:
        return write(record, output, paper)
    except OSError as error:
        raise RootwardenError(f"The report could not be written: {error}.") from None
    finally:
        del app  # the application had to exist while painting
