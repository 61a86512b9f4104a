"""Distributed search: Keras Tuner's chief/worker mode with TuneStudio's supervision.

:func:`.chief.run_distributed_search` runs a search as chief, :func:`.worker.run_worker` joins
one; :mod:`.protocol` holds what they share. This module imports nothing heavy (no gRPC), so
the command line's parser can read the defaults.
"""
DEFAULT_PORT = 8765
