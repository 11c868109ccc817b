"""Waits for an input dataset to become a readable table."""
from __future__ import annotations

import time

from semantic_ir.errors import DatasetNotReadyError


def wait_for_dataset(ctx, name: str, timeout_s: float = 12.0, poll_s: float = 1.0):
    deadline = time.monotonic() + timeout_s
    while True:
        status = ctx.dataset_status(name)
        if status.ready:
            return ctx.table(name)
        if time.monotonic() >= deadline:
            raise DatasetNotReadyError(
                f"dataset {name!r} not ready after {timeout_s:.1f}s: {status.reason}"
            )
        time.sleep(poll_s)
