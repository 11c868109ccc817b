"""Code property graph nodes: one row per file, definition and AST node."""
from __future__ import annotations


def build_cpg_nodes(ctx):
    files = ctx.table("repo_files")
    ast = ctx.table("ast_files")
    cst = ctx.table("libcst_files")
    nodes = files.join(ast, on="file_id").join(cst, on="file_id", how="left")
    return nodes.select("file_id", "path", "node_count", "def_count")
