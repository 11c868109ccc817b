"""Errors raised while compiling or executing semantic views."""
from __future__ import annotations


class SemanticIRError(Exception):
    """Base class for semantic IR failures."""


class SemanticJoinError(SemanticIRError, ValueError):
    """A join between two relations could not be planned."""


class DatasetNotReadyError(SemanticIRError, RuntimeError):
    """An input dataset never became readable within the allowed wait."""
