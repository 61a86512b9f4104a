"""How a confusion matrix is drawn: the table model with its shaded cells, and the header whose
class names can read bottom-to-top.

The Trials tab's matrix (``ConfusionView``) and Compare's small ones (``compare_view``) use the
same model, so a cell has the same shade everywhere.
"""
from __future__ import annotations

import math

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter
from PySide6.QtWidgets import QHeaderView, QStyle, QStyleOptionHeader

from app.gui.widgets import item_roles
from app.gui.paint import theme

MAX_HEADER_TEXT_PX = 140  # class names longer than this are elided in the headers
_DISPLAY, _USER, _ALIGNMENT = item_roles.DISPLAY, item_roles.USER, item_roles.ALIGNMENT
_BACKGROUND, _FOREGROUND, _TOOLTIP = item_roles.BACKGROUND, item_roles.FOREGROUND, item_roles.TOOLTIP
_ROLES = frozenset((_DISPLAY, _USER, _ALIGNMENT, _BACKGROUND, _FOREGROUND, _TOOLTIP))
_CENTER = int(Qt.AlignmentFlag.AlignCenter)


def _blend(base: QColor, tint: QColor, amount: float) -> QColor:
    amount = max(0.0, min(1.0, amount))
    return QColor.fromRgbF(base.redF() + (tint.redF() - base.redF()) * amount,
                           base.greenF() + (tint.greenF() - base.greenF()) * amount,
                           base.blueF() + (tint.blueF() - base.blueF()) * amount)


def _readable_text(background: QColor) -> QColor:
    luminance = 0.299 * background.redF() + 0.587 * background.greenF() + 0.114 * background.blueF()
    return QColor("black") if luminance > 0.55 else QColor("white")


class ConfusionModel(QAbstractTableModel):
    """A square count matrix; rows true class, columns predicted class."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._matrix: list[list[int]] = []
        self._names: list[str] = []
        self._row_sums: list[int] = []
        self._colors = theme.colors()
        self._shades: list[list[tuple[QColor, QColor]]] = []  # (background, text) per cell

    def set_matrix(self, matrix: list[list[int]], names: list[str]) -> None:
        if len(names) == len(self._names) and names == self._names:
            self._matrix = matrix
            self._row_sums = [sum(r) for r in matrix]
            self._shade()
            if matrix:
                self.dataChanged.emit(self.index(0, 0), self.index(len(matrix) - 1, len(matrix) - 1))
            return
        self.beginResetModel()
        self._matrix, self._names = matrix, list(names)
        self._row_sums = [sum(r) for r in matrix]
        self._shade()
        self.endResetModel()

    def set_colors(self, colors: theme.Colors) -> None:
        self._colors = colors
        self._shade()
        if self._matrix:
            n = len(self._matrix)
            self.dataChanged.emit(self.index(0, 0), self.index(n - 1, n - 1))

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self._matrix)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._matrix)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if role not in _ROLES or not index.isValid():
            return None
        i, j = index.row(), index.column()
        count = self._matrix[i][j]
        if role == _DISPLAY:
            return str(count)
        if role == _USER:
            return count
        if role == _ALIGNMENT:
            return _CENTER
        if role == _BACKGROUND:
            return self._shades[i][j][0]
        if role == _FOREGROUND:
            return self._shades[i][j][1]
        support = self._row_sums[i]  # _TOOLTIP
        head = self.tr("True class: {true}\nPredicted: {predicted}\n").format(true=self._names[i],
                                                                             predicted=self._names[j])
        if i == j:
            body = self.tr("{count} of {support} images correct").format(count=count, support=support)
        else:
            body = self.tr("{count} of {support} images predicted as {predicted}").format(
                count=count, support=support, predicted=self._names[j])
        share = self.tr(" ({share:.1f}% of them)").format(share=100.0 * count / support) if support else ""
        return head + body + share

    def _shade(self) -> None:
        """Each cell's background and text colour, made once per matrix (not on every paint)."""
        self._shades = []
        for i, row in enumerate(self._matrix):
            shades = []
            for j, count in enumerate(row):
                background = self._background(i, j)
                shades.append((background, self._colors.muted if count == 0 else _readable_text(background)))
            self._shades.append(shades)

    def _background(self, i: int, j: int) -> QColor:
        support = self._row_sums[i]
        share = self._matrix[i][j] / support if support else 0.0
        tint = self._colors.train if i == j else self._colors.validation
        # Square root: a few mistakes out of many still show as a visible tint.
        return _blend(self._colors.background, tint, 0.85 * math.sqrt(share))

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole):
        if section >= len(self._names):
            return None
        name = self._names[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return name
        if role == Qt.ItemDataRole.ToolTipRole:
            if orientation == Qt.Orientation.Vertical:
                return self.tr("True class: {name}").format(name=name)
            return self.tr("Predicted class: {name}").format(name=name)
        return None


class ClassNameHeader(QHeaderView):
    """The predicted-class header; its labels can read bottom-to-top for many or long names."""

    def __init__(self, parent=None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setSectionsClickable(False)
        self.vertical_text = False

    def set_vertical_text(self, vertical: bool) -> None:
        if vertical != self.vertical_text:
            self.vertical_text = vertical
            self.updateGeometry()
            self.viewport().update()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        hint = super().sizeHint()
        if not self.vertical_text:
            return hint
        model = self.model()
        metrics = QFontMetrics(self.font())
        widest = 0
        if model is not None:
            for section in range(model.columnCount()):
                text = str(model.headerData(section, Qt.Orientation.Horizontal) or "")
                widest = max(widest, metrics.horizontalAdvance(text))
        return QSize(hint.width(), min(widest, MAX_HEADER_TEXT_PX) + 14)

    def paintSection(self, painter: QPainter, rect: QRect, section: int) -> None:  # noqa: N802
        if not self.vertical_text:
            super().paintSection(painter, rect, section)
            return
        if not rect.isValid():
            return
        option = QStyleOptionHeader()
        self.initStyleOption(option)
        option.rect = rect
        option.section = section
        option.text = ""
        painter.save()
        self.style().drawControl(QStyle.ControlElement.CE_Header, option, painter, self)
        text = str(self.model().headerData(section, Qt.Orientation.Horizontal) or "")
        metrics = QFontMetrics(self.font())
        length = rect.height() - 10
        text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, length)
        painter.translate(rect.left(), rect.bottom())
        painter.rotate(-90)
        painter.setPen(self.palette().color(self.palette().ColorRole.ButtonText))
        painter.drawText(QRect(5, 0, length, rect.width()),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text)
        painter.restore()
