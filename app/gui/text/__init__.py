"""The window's language: which translation loads, and the core's messages in it.

May import: app.core.util. No other gui package.
"""
