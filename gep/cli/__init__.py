"""All command-line code: the ``gep`` command and its sub-commands (typer).

``main`` builds the top-level app; each sub-command group lives in a module of its own
(``carbon``, ``scenario``, …) and is mounted by :mod:`gep.cli.main`. Shared helpers (error
handling, output formats, dataset + coefficient loading) are in :mod:`gep.cli.common`.
"""

from .main import app, main

__all__ = ["app", "main"]
