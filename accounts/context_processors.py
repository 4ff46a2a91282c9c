from .roles import capabilities_of


def valiza(request):
    user = getattr(request, "user", None)
    caps = capabilities_of(user) if user is not None else set()
    return {"caps": caps}
