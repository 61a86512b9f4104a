"""Image folders: scanning, the reasons a file cannot be used, decoding, the stable split and the
tf.data input pipeline.

May import: app.core.options, app.core.util. No Qt.
"""
