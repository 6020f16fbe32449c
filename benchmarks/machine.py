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


def python_speed() -> str:
    """CPU seconds this machine takes for ten million steps of a plain Python loop (1.28 s on
    the 2-core AMD EPYC machine of the December 2026 figures): machines of the same size
    differ in speed, and figures from different machines are compared through it."""
    import time

    began = time.process_time()
    total = 0
    for i in range(10_000_000):
        total += i * i
    return f"a 10-million-step Python loop in {time.process_time() - began:.2f} CPU s"
