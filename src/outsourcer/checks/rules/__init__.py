"""Importing this package registers every rule; one module per stage of the cycle."""

from outsourcer.checks.rules import brief, comply_papers, comply_tax, deliver, manage, money, plan, risk, vet

__all__ = ["brief", "comply_papers", "comply_tax", "deliver", "manage", "money", "plan", "risk", "vet"]
