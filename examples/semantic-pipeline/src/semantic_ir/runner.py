"""Executes compiled semantic views one task at a time."""
from __future__ import annotations

from semantic_ir.cpg_edges import build_cpg_edges
from semantic_ir.cpg_nodes import build_cpg_nodes
from semantic_ir.cpg_props import build_cpg_props, build_cpg_props_docstrings
from semantic_ir.normalize import build_ast_nodes_norm, build_cst_defs_norm
from semantic_ir.symbols import build_cpg_symbol_edges

VIEW_BUILDERS = {
    "cst_defs_norm": build_cst_defs_norm,
    "ast_nodes_norm": build_ast_nodes_norm,
    "cpg_nodes": build_cpg_nodes,
    "cpg_edges": build_cpg_edges,
    "cpg_props": build_cpg_props,
    "cpg_props_docstrings": build_cpg_props_docstrings,
    "cpg_symbol_edges": build_cpg_symbol_edges,
}


def execute_view(ctx, view_name: str):
    builder = VIEW_BUILDERS[view_name]
    frame = builder(ctx)
    return ctx.materialize(view_name, frame)


def execute_plan(ctx, plan) -> dict:
    results = {}
    for view in plan.views:
        results[view.name] = execute_view(ctx, view.name)
    return results
