#!/usr/bin/env python3
"""Send a return to the CSWW collection portal with API v1, using only an API token.

    CSWW_API_TOKEN=csww_... python3 scripts/api_example.py --url https://portal.example \\
        --year 2018 --la 301 return.xml [--note "Taken from the HR system"] [--submit]

It uploads the file, follows the check until it is finished, prints the counts and the
first issues of the report, and optionally adds a return-level note and submits. Python's
standard library only, so a supplier can copy it as it is. Exit status: 0 when the file was
checked and became the current version, 1 when the check failed or it did not, 2 on a
refused request (the API's message is printed).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.request import Request, urlopen


class ApiError(Exception):
    pass


def call(method: str, url: str, token: str, body: bytes | None = None, kind: str = "") -> Any:
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    if kind:
        headers["Content-Type"] = kind
    try:
        with urlopen(Request(url, data=body, method=method, headers=headers), timeout=60) as r:
            return json.loads(r.read() or b"null")
    except HTTPError as exc:
        try:
            detail = json.loads(exc.read()).get("detail", "")
        except ValueError:
            detail = ""
        raise ApiError(f"{method} {url}: {exc.code} {detail}".strip()) from exc


def multipart(field: str, filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
        f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()
    return (
        head + data + f"\r\n--{boundary}--\r\n".encode(),
        f"multipart/form-data; boundary={boundary}",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--url", required=True, help="The portal's address.")
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--la", required=True, help="The LA's three-digit code.")
    parser.add_argument("--note", help="Add this return-level note after the check.")
    parser.add_argument("--submit", action="store_true", help="Submit after the check.")
    parser.add_argument(
        "--confirm",
        action="store_true",
        help="Load the file even if it empties the return or removes most of its workers.",
    )
    parser.add_argument("--timeout", type=float, default=600, help="Seconds to wait for the check.")
    args = parser.parse_args()
    token = os.environ.get("CSWW_API_TOKEN", "")
    if not token:
        print(
            "Set CSWW_API_TOKEN to your API token (the portal's 'API tokens' page).",
            file=sys.stderr,
        )
        return 2
    base = f"{args.url.rstrip('/')}/api/v1/collections/{args.year}/las/{args.la}"
    try:
        body, kind = multipart("file", args.file.name, args.file.read_bytes())
        query = "?confirm=true" if args.confirm else ""
        accepted = call("POST", f"{base}/uploads{query}", token, body, kind)
        print(f"Upload {accepted['id']} accepted; checking…")
        deadline = time.monotonic() + args.timeout
        status = call("GET", accepted["status_url"], token)
        while not status["finished"]:
            if time.monotonic() > deadline:
                print(f"Still {status['status']} after {args.timeout:g}s; ask again later.")
                return 1
            time.sleep(1)
            status = call("GET", accepted["status_url"], token)
        if status["status"] == "failed":
            print(f"The check failed: {status['message']}")
            return 1
        print(
            f"Checked: {status['workers']} workers, {status['errors']} errors, "
            f"{status['queries']} queries (version {status['version']})."
        )
        if not status["current"]:
            print(status["message"])
            return 1
        report = call("GET", f"{base}/report", token)
        for issue in report["issues"][:10]:
            where = f"record {issue['record']}" if issue["record"] else "return"
            print(f"  {issue['severity']} {issue['rule']} ({where}): {issue['message']}")
        if args.note:
            call(
                "POST",
                f"{base}/notes",
                token,
                json.dumps({"text": args.note, "version": status["version"]}).encode(),
                "application/json",
            )
            print("Note added.")
        if args.submit:
            # The version checked above: if anything changed since, nothing is submitted (409).
            done = call("POST", f"{base}/submit?version={status['version']}", token)
            print(f"Submitted: {done['status_label']}.")
    except ApiError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
