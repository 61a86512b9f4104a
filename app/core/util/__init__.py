"""Small things every core package shares: where TuneStudio writes (paths), how numbers read
(formatting) and the translation marks for Qt-free text (i18n).

May import: nothing of app. No Qt.
"""
