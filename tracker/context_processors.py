from django.http import HttpRequest

from .permissions import can_create, user_roles


def roles(request: HttpRequest) -> dict:
    """Flags the base layout reads to show or hide navigation."""
    user = request.user
    names = user_roles(user)
    return {
        "user_roles": names,
        "user_can_create": can_create(user),
        "user_is_admin": user.is_authenticated
        and (user.is_superuser or "administrator" in names),
    }
