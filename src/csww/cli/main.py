"""Entry point: ``csww COMMAND``. Each command lives in its own module and is added here.

Importing this module never imports Django: ``serve`` and ``demo`` import the portal inside
the command.
"""

from __future__ import annotations

import os
import sys

import click

from csww.cli.cla import cla_group
from csww.cli.flows import flows_command
from csww.cli.privacy import pseudonymise_command
from csww.cli.serve import demo_command, serve_command, token_command, worker_command
from csww.cli.sheets import convert_command, generate_command, template_command
from csww.cli.stats import compare_command, report_command, stats_command, synth_command
from csww.cli.validate import rules_command, validate_command, years_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="csww")
def cli() -> None:
    """Children's Social Work Workforce census: validate, generate, collect and publish.

    Start with `csww demo` (the collection portal with demo data) or `csww validate FILE`.
    """


for command in (
    validate_command,
    rules_command,
    years_command,
    template_command,
    generate_command,
    convert_command,
    stats_command,
    report_command,
    compare_command,
    synth_command,
    flows_command,
    pseudonymise_command,
    serve_command,
    demo_command,
    worker_command,
    token_command,
    cla_group,
):
    cli.add_command(command)


def file_problem(exc: OSError) -> str:
    """What went wrong with a file or folder the user named, and what to do about it."""
    name = exc.filename or "a file"
    parent = os.path.dirname(str(name)) if exc.filename else ""
    if isinstance(exc, FileNotFoundError) and parent and not os.path.isdir(parent):
        return (
            f"Error: the folder {parent} does not exist, so {name} cannot be written. Create it "
            f"(mkdir -p {parent}) or give a path in a folder that exists."
        )
    if isinstance(exc, FileNotFoundError):
        return f"Error: {name} does not exist. Check the path."
    if isinstance(exc, PermissionError):
        return f"Error: csww may not read or write {name}. Choose a path you may write to."
    if isinstance(exc, IsADirectoryError):
        return f"Error: {name} is a folder. Give a file name."
    if isinstance(exc, NotADirectoryError):
        return f"Error: part of {name} is a file, not a folder. Check the path."
    return f"Error: {name}: {exc.strerror or exc}. Check the path and the free disk space."


def main() -> None:
    """Run the CLI. A user sees messages, not tracebacks: an interrupted run says so, a file
    or folder that cannot be used is the user's to put right (exit 2), and only an internal
    fault says what to report (exit 3; ``CSWW_DEBUG=1`` shows the traceback)."""
    try:
        cli(prog_name="csww")
    except KeyboardInterrupt:
        click.echo("\nStopped.", err=True)
        sys.exit(130)
    except OSError as exc:  # a path that is not there, not writable, or a folder: the user's
        click.echo(file_problem(exc), err=True)
        sys.exit(2)
    except Exception as exc:  # the last resort: every expected problem has its own message
        if os.environ.get("CSWW_DEBUG"):
            raise
        click.echo(
            f"csww stopped on an internal fault ({type(exc).__name__}: {exc}). Nothing was "
            "written after this point. Run again with CSWW_DEBUG=1 to see where, and report it.",
            err=True,
        )
        sys.exit(3)
