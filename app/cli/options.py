"""The ``tunestudio search`` flags of the option table, and the config they describe.

Every option of app/core/options/option_table.py with a ``flag`` becomes a flag here; its text is read by
:func:`app.core.options.options.parse_option_text`, so the command line takes the same values (and the
same tunable grammar) as the window, and a bad value is one line naming the field.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from app.core.options.validation import ConfigError
from app.core.options.config import SearchConfig
from app.core.options.option_table import OPTIONS, Option, set_value
from app.core.options.options import TUNABLE_OPTIONS, parse_option_text

# Tunable flags: flag -> (config field, kind, help).
TUNABLE_FLAGS = {o.flag: (o.name, o.kind, o.cli_help) for o in TUNABLE_OPTIONS if o.flag}
FLAG_OPTIONS: tuple[Option, ...] = tuple(option for option in OPTIONS if option.flag)


def option_dest(option: Option) -> str:
    """The argparse attribute of an option's flag: ``--dropout`` -> ``dropout``, ``--arch`` -> ``architecture``."""
    return option.name.replace(".", "_")


def add_option_flags(parser: argparse.ArgumentParser) -> None:
    for option in FLAG_OPTIONS:
        names = (option.flag, *option.aliases)
        if option.cli_value is not None:  # a switch: --deterministic, --no-early-stopping
            parser.add_argument(*names, dest=option_dest(option), action="store_const", const=option.cli_value,
                                default=None, help=option.cli_help)
        else:
            parser.add_argument(*names, dest=option_dest(option), metavar=option.metavar, help=option.cli_help)


def config_from_args(args) -> SearchConfig:
    """``--config`` (or the defaults) with every given flag applied; checked. Raises ConfigError."""
    config = SearchConfig.load(args.config) if args.config else SearchConfig()
    data = config.to_dict()
    if args.folder:
        data["data_dir"] = str(Path(args.folder).expanduser())
    for option in FLAG_OPTIONS:
        given = getattr(args, option_dest(option))
        if given is None:
            continue
        value = given if option.cli_value is not None else parse_option_text(option, given)
        set_value(data, option.name, value)
    config = SearchConfig.from_dict(data)
    if not config.data_dir:
        raise ConfigError("data_dir", "give the image folder (tunestudio search FOLDER)")
    return config.check()
