"""TuneStudio: tune an image classifier without writing code."""

__version__ = "0.1.0"
