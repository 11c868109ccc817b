"""Semantic IR views of the example pipeline (illustrative sources only).

The Node program ``pipeline.mjs`` imitates running these views; the files exist
so that span code locations and tracebacks point at real lines.
"""
