"""The bundle's entry point: the same ``tunestudio`` command as the pip-installed one."""
from app.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
