from django.conf import settings


def client_address(request) -> str:
    """The visitor's network address.

    Behind a proxy every request comes from the proxy's address, so with
    ``TRUSTED_PROXY_HOPS`` set to the number of proxies in front of the portal the
    address is read from X-Forwarded-For, as the nearest of them saw it. Entries
    further left could be written by the visitor, and are not trusted.
    """
    hops = settings.TRUSTED_PROXY_HOPS
    if hops:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")
