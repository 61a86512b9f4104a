"""Qt item-data roles as plain ints, looked up once for the table models.

A view asks a model's ``data`` for about ten roles per cell on every paint (most unused), so the
call must be cheap, and reading an enum attribute costs a lookup each time.
"""
from PySide6.QtCore import Qt

DISPLAY = int(Qt.ItemDataRole.DisplayRole)
USER = int(Qt.ItemDataRole.UserRole)
ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
FONT = int(Qt.ItemDataRole.FontRole)
