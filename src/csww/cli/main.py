"""Entry point: ``csww COMMAND``. Each command lives in its own module and is added here."""

from __future__ import annotations

import click

from csww.cli.validate import rules_command, validate_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="csww")
def cli() -> None:
    """Children's Social Work Workforce census: validate, generate, collect and publish."""


cli.add_command(validate_command)
cli.add_command(rules_command)
# Commands from other modules are added below, one line each.
cli.add_command(__import__("csww.cli.serve", fromlist=["x"]).serve_command)
cli.add_command(__import__("csww.cli.serve", fromlist=["x"]).demo_command)
cli.add_command(__import__("csww.cli.sheets", fromlist=["x"]).template_command)
cli.add_command(__import__("csww.cli.sheets", fromlist=["x"]).generate_command)
cli.add_command(__import__("csww.cli.sheets", fromlist=["x"]).convert_command)
cli.add_command(__import__("csww.cli.privacy", fromlist=["x"]).pseudonymise_command)
cli.add_command(__import__("csww.cli.stats", fromlist=["x"]).stats_command)
cli.add_command(__import__("csww.cli.stats", fromlist=["x"]).report_command)
cli.add_command(__import__("csww.cli.stats", fromlist=["x"]).compare_command)
cli.add_command(__import__("csww.cli.stats", fromlist=["x"]).synth_command)


def main() -> None:
    cli(prog_name="csww")
