"""Entry point: ``csww COMMAND``. Each command lives in its own module and is added here.

Importing this module never imports Django: ``serve`` and ``demo`` import the portal inside
the command.
"""

from __future__ import annotations

import click

from csww.cli.privacy import pseudonymise_command
from csww.cli.serve import demo_command, serve_command
from csww.cli.sheets import convert_command, generate_command, template_command
from csww.cli.stats import compare_command, report_command, stats_command, synth_command
from csww.cli.validate import rules_command, validate_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="csww")
def cli() -> None:
    """Children's Social Work Workforce census: validate, generate, collect and publish.

    Start with `csww demo` (the collection portal with demo data) or `csww validate FILE`.
    """


for command in (
    validate_command,
    rules_command,
    template_command,
    generate_command,
    convert_command,
    stats_command,
    report_command,
    compare_command,
    synth_command,
    pseudonymise_command,
    serve_command,
    demo_command,
):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="csww")
