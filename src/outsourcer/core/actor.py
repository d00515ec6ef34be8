"""Who is acting, and through which face. Services take one explicitly and audit with it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Face = Literal["web", "api", "cli", "job", "system"]


@dataclass(frozen=True)
class Actor:
    user: Any | None
    face: Face

    @property
    def label(self) -> str:
        if self.user is not None:
            return str(self.user.email)
        return {"cli": "command line", "job": "background job"}.get(self.face, "system")

    @classmethod
    def web(cls, request: Any) -> Actor:
        return cls(user=request.user, face="web")

    @classmethod
    def api(cls, request: Any) -> Actor:
        return cls(user=request.auth_user, face="api")

    @classmethod
    def cli(cls, user: Any | None = None) -> Actor:
        return cls(user=user, face="cli")

    @classmethod
    def job(cls) -> Actor:
        return cls(user=None, face="job")
