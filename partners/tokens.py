"""Personal API tokens (django-rest-knox): stored as a SHA-512 digest, never in clear; each expires.

A token always acts as the person who made it, for themselves only: it is created here, from that person's
own signed-in session (``ApiTokenView``), never by staff for someone else (the admin can only revoke).
The secret exists once, in the response that creates it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.models import AuthToken

from core import audit
from core.actors import Actor
from core.errors import NotPermitted


def tokens_of(user: Any) -> list[AuthToken]:
    return list(AuthToken.objects.filter(user=user).order_by("-created"))


@transaction.atomic
def api_token_create(*, by: Actor) -> tuple[AuthToken, str]:
    """A new token for the acting person; their older tokens stop working once it is safely stored.

    The new token is written first and the old ones deleted after, in one transaction: if anything fails,
    the person keeps the token they had.
    """
    user = by.user
    if user is None or not user.is_authenticated:
        raise NotPermitted("Only a signed-in person can create their own API token")
    older = list(AuthToken.objects.filter(user=user).values_list("pk", flat=True))
    instance, secret = AuthToken.objects.create(user=user)
    replaced = AuthToken.objects.filter(pk__in=older).delete()[0]
    audit.record(
        obj=user,
        action="api_token.created",
        by=by,
        data={
            "prefix": instance.token_key,
            "expires": instance.expiry.isoformat() if instance.expiry else None,
            "replaced": replaced,
        },
        visible_to=[],
    )
    return instance, secret


@transaction.atomic
def api_token_revoke_all(*, by: Actor) -> int:
    user = by.user
    if user is None or not user.is_authenticated:
        raise NotPermitted("Only a signed-in person can revoke their own API tokens")
    revoked = AuthToken.objects.filter(user=user).delete()[0]
    if revoked:
        audit.record(obj=user, action="api_token.revoked", by=by, data={"revoked": revoked}, visible_to=[])
    return revoked


class TokenScheme(OpenApiAuthenticationExtension):
    """The API's security scheme in the OpenAPI schema: ``Authorization: Token jly_…`` (a personal knox token)."""

    target_class = "knox.auth.TokenAuthentication"
    name = "tokenAuth"
    priority = 1  # over drf-spectacular's own knox extension

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "A personal API token from *Your API token*, sent as `Token <token>` (it starts `jly_`). "
                "Stored only as a digest; expires after 90 days."
            ),
        }
