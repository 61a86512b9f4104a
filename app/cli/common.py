"""What every ``tunestudio`` command shares: exit codes and the one-line user error."""
from __future__ import annotations

import sys

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UserError(Exception):
    pass


def user_error(message: str) -> int:
    print(f"tunestudio: error: {message}", file=sys.stderr)
    return EXIT_USAGE
