"""Symbol edges, built from the SCIP/symtable symbol dump."""
from __future__ import annotations

from semantic_ir.readiness import wait_for_dataset


def build_cpg_symbol_edges(ctx):
    symbols = wait_for_dataset(ctx, "raw_symbols")
    defs = ctx.table("libcst_files")
    return symbols.join(defs, on="file_id").select("symbol_id", "file_id")
