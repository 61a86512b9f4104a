"""The search configuration: the option table every control and flag is built from, the
typed-value grammar, durations, and the checks across options.

May import: app.core.util. No Qt.
"""
