"""Two-factor sign-in (TOTP, via django-otp) for anyone holding a public-sector role.

After a password sign-in such a person must confirm a code from their authenticator app
(or set one up on first sign-in) before any other page opens.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

EXEMPT_URL_NAMES = ("two-factor-setup", "two-factor-verify", "logout")


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        acting = getattr(request, "acting", None)
        if (
            user is not None
            and user.is_authenticated
            and acting is not None
            and acting.needs_two_factor
            and not user.is_verified()  # type: ignore[union-attr]
            and not self._exempt(request)
        ):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                return JsonResponse(
                    {"detail": "Two-factor sign-in is required: confirm your code in the browser, or use a token."},
                    status=401,
                )
            return redirect(f"{reverse('two-factor-verify')}?next={request.get_full_path()}")
        return self.get_response(request)

    @staticmethod
    def _exempt(request: HttpRequest) -> bool:
        if request.path.startswith(("/static/", "/__")):
            return True
        match = getattr(request, "resolver_match", None)
        if match is None:
            from django.urls import Resolver404, resolve

            try:
                match = resolve(request.path_info)
            except Resolver404:
                return True
        return match.url_name in EXEMPT_URL_NAMES or (
            getattr(match.func, "view_class", None) is not None and getattr(match.func.view_class, "public", False)
        )
