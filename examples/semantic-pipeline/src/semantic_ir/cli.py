"""Entry point of ``codeanatomy build`` in the example workspace."""
from __future__ import annotations

import logging

from semantic_ir.runner import execute_plan

logger = logging.getLogger("cli.telemetry")


def build_command(ctx, plan) -> int:
    """Run the compiled plan and return the exit code taxonomy value."""
    try:
        outputs = execute_plan(ctx, plan)
    except Exception:
        logger.exception("Command execution failed.")
        return 13
    logger.info("Build complete. CPG outputs=%d", len(outputs))
    return 0
