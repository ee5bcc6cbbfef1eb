"""The gates of the staff pages: staff (or officers) who proved a second factor; others see 404.

Which installation data staff may see is decided by the access module like
everyone else's; these gates only say who may open a staff page at all.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from jtlcloud.accounts.models import User
from jtlcloud.accounts.second_factor import session_proved_second_factor

View = Callable[..., HttpResponse]


def verified_staff(request: HttpRequest, *, officer: bool = False) -> User:
    """The request's user if staff (an officer, if asked) with a proved second factor."""
    user = request.user
    if not (
        isinstance(user, User)
        and (user.is_officer if officer else user.is_staff)
        and session_proved_second_factor(user)
    ):
        raise Http404
    return user


def staff_only(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        verified_staff(request)
        return view(request, *args, **kwargs)

    return wrapper


def officer_only(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        verified_staff(request, officer=True)
        return view(request, *args, **kwargs)

    return wrapper
