"""Subcommands of the `memoria` CLI, one module each (see memoria.cli.COMMAND_MODULES)."""
