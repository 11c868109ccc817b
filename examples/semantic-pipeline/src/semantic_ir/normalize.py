"""Normalization views over the raw extraction tables."""
from __future__ import annotations


def build_cst_defs_norm(ctx):
    defs = ctx.table("libcst_files").select("file_id", "path", "def_count")
    return defs.filter(defs.def_count > 0)


def build_ast_nodes_norm(ctx):
    nodes = ctx.table("ast_files")
    return nodes.select("file_id", "path", "node_count").distinct()
