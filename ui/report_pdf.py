"""Render a verified record as the printable report: PDF through QPdfWriter, or a printer.

The content comes from ``app.report_content``; this module only lays it out with Qt
(QTextDocument), draws the QR code of the record's sha256 from qrcode's matrix, and uses the
bundled font. UI thread only (Qt painting).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF, QSizeF, QUrl
from PySide6.QtGui import QColor, QFont, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument

from app.report_content import QR_RESOURCE, STYLESHEET, report_html
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


def build_document(record: Any, device: Any = None) -> QTextDocument:
    """The report laid out for ``device`` (a QPdfWriter or QPrinter), so points mean points."""
    register_fonts()
    document = QTextDocument()
    if device is not None:
        document.documentLayout().setPaintDevice(device)
    font = QFont(FAMILY, 9)
    # No ligatures: check IDs like "root.signing-certificates" must copy out of the PDF intact.
    font.setStyleStrategy(QFont.StyleStrategy.PreferNoShaping)
    document.setDefaultFont(font)
    document.setDefaultStyleSheet(STYLESHEET)
    document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(QR_RESOURCE), qr_image(record.record_id))
    document.setHtml(report_html(record.predicate, record.record_id, record.keyid))
    return document


def page_layout(paper: str) -> QPageLayout:
    return QPageLayout(QPageSize(PAPER[paper]), QPageLayout.Orientation.Portrait, QMarginsF(18, 18, 18, 18), QPageLayout.Unit.Millimeter)


def write_pdf(record: Any, output: Path, paper: str = "a4") -> Path:
    """Render to ``output``; raises OSError with a clear message when it cannot be written."""
    output = Path(output)
    if not output.parent.exists():
        raise OSError(f"the folder {output.parent} does not exist")
    if not os.access(output.parent, os.W_OK):
        raise OSError(f"the folder {output.parent} is not writable")
    writer = QPdfWriter(str(output))
    writer.setPageLayout(page_layout(paper))
    writer.setResolution(300)
    writer.setTitle(f"Rootwarden record — AWS account {record.account_id}")
    writer.setCreator("Rootwarden")
    document = build_document(record, writer)
    document.setPageSize(QSizeF(writer.pageLayout().paintRectPixels(writer.resolution()).size()))
    document.print_(writer)
    if not output.exists() or output.stat().st_size == 0:
        raise OSError(f"{output} could not be written")
    return output


def render_report(record: Any, output: Path, paper: str = "a4") -> Path:
    """Entry point for ``rootwarden report`` (no window needed)."""
    from PySide6.QtGui import QGuiApplication

    from app.errors import RootwardenError

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QGuiApplication.instance() or QGuiApplication([])
    try:
        return write_pdf(record, output, paper)
    except OSError as error:
        raise RootwardenError(f"The report could not be written: {error}.") from None
    finally:
        del app  # the application had to exist while painting
