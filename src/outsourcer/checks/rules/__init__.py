"""Importing this package registers every rule; one module per stage of the cycle."""

from outsourcer.checks.rules import plan, vet

__all__ = ["plan", "vet"]
