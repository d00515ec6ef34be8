from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The caller's address; behind N trusted proxies, the one the outermost of them saw."""
    remote = str(request.META.get("REMOTE_ADDR", "unknown"))
    proxies = settings.TRUSTED_PROXIES
    if not proxies:
        return remote
    chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    # Each trusted proxy appends the address it saw; anything further left may be made up by the client.
    return chain[-proxies] if len(chain) >= proxies else remote
