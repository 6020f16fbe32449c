"""``csww pseudonymise``: a copy of a return fit to share beyond the LA."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from csww.model import Return
from csww.privacy import SaltError, check_salt, pseudonymise
from csww.reader import ReadError, read
from csww.sheets.rows import SheetError
from csww.writer import write

SHEETS = (".xlsx", ".xlsm", ".csv")


def _read(file: Path) -> Return:
    """An XML return, or a filled template (.xlsx or CSV) read as a spreadsheet."""
    if file.suffix.lower() in SHEETS:
        from csww.sheets.validate import read_sheet

        return read_sheet(file).ret
    return read(file)


@click.command("pseudonymise")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True)
@click.option(
    "--salt-file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="File holding the secret salt (default: the CSWW_SALT environment variable).",
)
@click.option("--drop-ethnicity", is_flag=True, help="Leave ethnic origin out of the copy.")
def pseudonymise_command(
    file: Path, output: Path, salt_file: Path | None, drop_ethnicity: bool
) -> None:
    """Write a copy of FILE with registration numbers replaced by keyed pseudonyms and dates
    of birth coarsened to the month, for sharing beyond the LA."""
    if output.exists() and output.resolve() == file.resolve():
        click.echo(
            f"Error: {output} is the return itself: the copy would overwrite the original. Give "
            "-o another file name, for example "
            f"{file.with_name(file.stem + '-pseudonymised.xml').name}.",
            err=True,
        )
        sys.exit(2)
    raw = salt_file.read_bytes().strip() if salt_file else os.environ.get("CSWW_SALT", "").encode()
    try:
        salt = check_salt(raw)
        ret = _read(file)
    except SaltError as exc:
        click.echo(f"No usable salt: {exc} Give it with --salt-file or CSWW_SALT.", err=True)
        sys.exit(2)
    except (ReadError, SheetError) as exc:
        click.echo(f"{file}: cannot be read: {exc}", err=True)
        sys.exit(2)
    write(pseudonymise(ret, salt, keep_ethnicity=not drop_ethnicity), output)
    click.echo(
        f"Pseudonymised copy of {len(ret.workers):,} worker records written to {output}.", err=True
    )
