"""Two-factor sign-in (TOTP, via django-otp) for anyone holding a public-sector role.

After a password sign-in such a person must confirm a code from their authenticator app
(or set one up on first sign-in) before any other page opens.

Until then the session is *half signed in*, and a half-signed-in person is anonymous everywhere
except the two-factor steps themselves: ``ActingOrganisationMiddleware`` swaps in an anonymous user
and the anonymous public's tenant scope (so a public page reads nothing as their organisation), and
this middleware sends them from any member page to the code step (the API answers 401).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

EXEMPT_URL_NAMES = ("two-factor-setup", "two-factor-verify", "logout")
HALF_SIGNED_IN = "half_signed_in"  # request attribute: the password was given, the code not yet


def is_half_signed_in(user: Any, acting: Any) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and acting is not None
        and acting.needs_two_factor
        and not getattr(user, "is_verified", lambda: False)()
    )


def anonymous() -> AnonymousUser:
    """An anonymous user as django-otp's middleware would leave it (``is_verified()`` answers False)."""
    user = AnonymousUser()
    user.is_verified = lambda: False  # type: ignore[attr-defined]
    return user


def _match(request: HttpRequest) -> Any:
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404:
            return None
    return match


def is_two_factor_step(request: HttpRequest) -> bool:
    """The pages a half-signed-in person may use *as themselves*: set up, give the code, sign out."""
    if request.path.startswith(("/static/", "/__")):
        return True
    match = _match(request)
    return match is not None and match.url_name in EXEMPT_URL_NAMES


def is_public(request: HttpRequest) -> bool:
    match = _match(request)
    if match is None:
        return True  # a 404 page: nothing to protect
    view_class = getattr(match.func, "view_class", None) or getattr(match.func, "cls", None)
    return bool(getattr(view_class, "public", False))


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if getattr(request, HALF_SIGNED_IN, False) and not is_public(request):
            if request.path.startswith("/api/"):
                if request.headers.get("Authorization"):
                    return self.get_response(request)  # a token is its own sign-in: DRF checks it
                return JsonResponse(
                    {"detail": "Two-factor sign-in is required: confirm your code in the browser, or use a token."},
                    status=401,
                )
            return redirect(f"{reverse('two-factor-verify')}?next={request.get_full_path()}")
        return self.get_response(request)
