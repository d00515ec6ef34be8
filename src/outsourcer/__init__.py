"""Outsourcer: outsource work well, and a health check that names the classic mistakes."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("outsourcer")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0+checkout"
