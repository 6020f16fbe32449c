"""The machine a benchmark ran on, for the figures' records."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine() -> str:
    """For example: '2 CPUs (nproc), Intel(R) Xeon(R) Processor, Python 3.11.7, Linux'."""
    return f"{os.cpu_count()} CPUs (nproc), {cpu_model()}, Python {platform.python_version()}, {platform.system()}"
