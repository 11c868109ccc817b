"""Code property graph properties attached to nodes."""
from __future__ import annotations


def build_cpg_props(ctx):
    ast = ctx.table("ast_files")
    ts = ctx.table("tree_sitter_files")
    props = ast.join(ts, on="file_id")
    return props.select("file_id", "node_count", "docstring")


def build_cpg_props_docstrings(ctx):
    ts = ctx.table("tree_sitter_files")
    return ts.filter(ts.docstring.is_not_null()).select("file_id", "docstring")
