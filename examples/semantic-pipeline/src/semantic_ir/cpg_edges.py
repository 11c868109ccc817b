"""Code property graph edges: calls between definitions."""
from __future__ import annotations

from semantic_ir.errors import SemanticJoinError

CALL_JOIN_KEYS = ("file_id", "symbol_id")


def build_cpg_edges(ctx):
    defs = ctx.table("libcst_files")
    refs = ctx.table("bytecode_files")
    calls = _join_call_sites(ctx, defs, refs)
    return calls.select("src_id", "dst_id", "kind")


def _join_call_sites(ctx, defs, refs):
    for key in CALL_JOIN_KEYS:
        if key not in refs.schema.names:
            raise SemanticJoinError(
                f"join key {key!r} missing from relation 'bytecode_files'"
            )
    return defs.join(refs, on=list(CALL_JOIN_KEYS))
