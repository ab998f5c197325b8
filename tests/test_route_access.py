"""Walks every URL pattern and API route taken from the resolver and proves who may reach it:

- anonymous: pages redirect to sign-in, the API answers 401 (public routes excepted);
- a member of another organisation: 404 for any route naming a tenant object, exactly like a missing one;
- a member of the owning organisation without the route's role: 403;
- the right persona: not refused (and never a 500).

A route whose view declares no access rule, or whose URL names an object this file cannot build, fails the
test: every route added later is covered by default.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.tenancy import TenantManager
from core.views import AccessDeclared
from partners.models import Organisation, Role
from tests.conftest import World, sign_in


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    callback: Any
    kwarg_names: tuple[str, ...]


def walk(resolver: URLResolver | None = None, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from walk(p, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            if p.name is None and namespace == "admin":
                continue  # the admin's own catch-all redirects
            if p.name is None:
                raise AssertionError(f"Route {prefix}{p.pattern} has no name: name it so it can be walked")
            name = f"{namespace}:{p.name}" if namespace else p.name
            full = prefix + str(p.pattern)
            kwarg_names = tuple(re.findall(r"<(?:\w+:)?(\w+)>", full)) + tuple(re.findall(r"\(\?P<(\w+)>", full))
            yield Route(name=name, pattern=full, callback=p.callback, kwarg_names=kwarg_names)


from tests.route_targets import API_OBJECTS, KWARGS, Target  # noqa: E402

# Routes that are not tenant pages or API: Django admin (staff only) and the format-suffix variants DRF adds.
ADMIN_PREFIX = "admin:"


def view_class(route: Route) -> Any:
    callback = route.callback
    return getattr(callback, "view_class", None) or getattr(callback, "cls", None)


def is_api(route: Route) -> bool:
    return route.name.startswith("api:")


def declared(route: Route) -> tuple[bool, tuple[str, ...], tuple[str, ...] | None]:
    cls = view_class(route)
    if cls is None or not (issubclass(cls, AccessDeclared) or hasattr(cls, "required_roles")):
        raise AssertionError(
            f"{route.name} ({route.pattern}) does not declare who may use it: derive from PublicView/MemberView/TenantAPIMixin"
        )
    return bool(getattr(cls, "public", False)), tuple(cls.required_roles), getattr(cls, "write_roles", None)


def method_for(route: Route) -> str:
    cls = view_class(route)
    if is_api(route):
        actions = getattr(route.callback, "actions", None) or {}
        if actions:
            return "get" if "get" in actions else next(iter(actions))
        return "get" if hasattr(cls, "get") else "post"
    allowed = [
        m for m in getattr(cls, "http_method_names", ["get"]) if hasattr(cls, m) and m not in ("options", "head")
    ]
    return "get" if "get" in allowed else allowed[0]


def resolve_kwargs(route: Route, world: World) -> tuple[dict[str, Any], Target | None]:
    kwargs: dict[str, Any] = {}
    owner: Target | None = None
    for name in route.kwarg_names:
        if name == "format":
            continue
        if name == "pk" and is_api(route):
            model = view_class(route).queryset.model
            if model not in API_OBJECTS:
                raise AssertionError(f"{route.name}: add {model.__name__} to API_OBJECTS in {__name__}")
            target = API_OBJECTS[model](world)
        elif name in KWARGS:
            target = KWARGS[name](world)
        else:
            raise AssertionError(
                f"{route.name} ({route.pattern}) names <{name}>: add a builder to KWARGS in {__name__}"
            )
        kwargs[name] = target.value
        if target.organisation is not None or target.user is not None:
            owner = target
    return kwargs, owner


def is_tenant_object(route: Route, owner: Target | None) -> bool:
    if owner is None:
        return False
    cls = view_class(route)
    model = getattr(getattr(cls, "queryset", None), "model", None)
    return model is None or isinstance(model._default_manager, TenantManager)


def app_routes() -> list[Route]:
    return [r for r in walk() if not r.name.startswith(ADMIN_PREFIX) and "format" not in r.kwarg_names]


ROUTES = app_routes()


def test_every_route_is_walked():
    names = {r.name for r in ROUTES}
    assert len(names) == len(ROUTES), "route names must be unique"
    assert {"dashboard", "partnership-detail", "api:partnership-detail", "api:me"} <= names
    for route in ROUTES:
        declared(route)


def _call(client, route: Route, url: str):
    method = method_for(route)
    return getattr(client, method)(url)


def _ok(status: int) -> bool:
    return status < 400 or status in (400, 405)


CSP_REQUIRED = (
    "default-src 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
)


def assert_csp(route: Route, response: Any) -> None:
    """Every HTML page carries the strict Content-Security-Policy: no inline script, never framed."""
    if not response.get("Content-Type", "").startswith("text/html"):
        return
    policy = response.get("Content-Security-Policy", "")
    assert all(d in policy for d in CSP_REQUIRED), f"{route.name}: Content-Security-Policy is {policy!r}"
    script_src = next((d for d in policy.split(";") if d.strip().startswith("script-src")), "")
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src, f"{route.name}: {script_src}"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_route_access(route: Route, world: World, client, django_user_model):
    public, roles, write_roles = declared(route)
    kwargs, owner = resolve_kwargs(route, world)
    url = reverse(route.name, kwargs={k: v for k, v in kwargs.items() if k in route.kwarg_names})
    method = method_for(route)
    effective_roles = write_roles if (method != "get" and write_roles is not None) else roles

    # Anonymous
    response = _call(client, route, url)
    assert response.status_code != 500
    if public:
        assert _ok(response.status_code), f"public {route.name} refused anonymous: {response.status_code}"
    elif is_api(route):
        assert response.status_code == 401, f"{route.name}: anonymous got {response.status_code}, expected 401"
    else:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], (
            f"{route.name}: anonymous got {response.status_code}, expected a redirect to sign in"
        )
    if public:
        return

    owner_org = owner.organisation if owner and owner.organisation else world.county

    # Another organisation: 404 for tenant objects (exactly like a missing one)
    client.logout()
    sign_in(client, world.outsider, world.other_council)
    response = _call(client, route, url)
    assert response.status_code != 500
    if is_tenant_object(route, owner):
        assert response.status_code == 404, (
            f"{route.name}: another organisation got {response.status_code}, expected 404"
        )

    # Wrong role in the owning organisation: 403
    if effective_roles:
        spare = [r for r in (Role.VIEWER, Role.BIDDER, Role.EVALUATOR, Role.BOARD_MEMBER) if r not in effective_roles]
        wrong = world.member(owner_org, spare[0])
        client.logout()
        sign_in(client, wrong, owner_org)
        response = _call(client, route, url)
        assert response.status_code == 403, f"{route.name}: wrong role got {response.status_code}, expected 403"

    # The right persona: not refused
    if owner and owner.user is not None:
        right = owner.user
    else:
        right = world.member(owner_org, *(effective_roles[:1] or (Role.VIEWER,)))
    client.logout()
    sign_in(client, right, owner_org)
    response = _call(client, route, url)
    assert _ok(response.status_code), f"{route.name}: the right persona got {response.status_code}"
    assert_csp(route, response)


def test_admin_is_for_platform_staff_only(world: World, client):
    admin_routes = [r for r in walk() if r.name.startswith(ADMIN_PREFIX)]
    assert admin_routes
    ct = ContentType.objects.get_for_model(Organisation)
    fill = {
        "app_label": "partners",
        "object_id": str(world.county.pk),
        "content_type_id": ct.pk,
        "id": str(world.county.pk),
        "url": "x",
    }
    checked = 0
    for route in admin_routes:
        try:
            url = reverse(route.name, kwargs={k: fill[k] for k in route.kwarg_names})
        except Exception:  # noqa: BLE001 - admin patterns with regex groups the fill cannot satisfy
            continue
        if route.name in ("admin:login", "admin:logout", "admin:jsi18n"):
            continue
        client.logout()
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], route.name
        sign_in(client, world.outsider, world.other_council)
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], route.name
        checked += 1
    assert checked >= 10


def half_sign_in(client, user, organisation) -> Any:
    """The password step done, the two-factor code not yet given."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session["acting_organisation_id"] = organisation.pk
    session.save()
    return client


TWO_FACTOR_STEPS = {"two-factor-verify", "two-factor-setup", "logout"}


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_a_half_signed_in_session_is_anonymous_everywhere(route: Route, world: World, client):
    """Alex gave a password but not yet the code: every route answers exactly as for anonymous (public pages as
    the public sees them, member pages send Alex to the code step, the API says 401)."""
    if route.name in TWO_FACTOR_STEPS:
        return  # the steps that finish signing in: the only pages a half-signed-in person uses as themselves
    public, _roles, _write_roles = declared(route)
    kwargs, _owner = resolve_kwargs(route, world)
    url = reverse(route.name, kwargs={k: v for k, v in kwargs.items() if k in route.kwarg_names})
    anonymous = _call(client, route, url)

    assert_csp(route, anonymous)
    half_sign_in(client, world.lead_commissioner, world.county)
    response = _call(client, route, url)
    assert response.status_code != 500
    assert_csp(route, response)
    if public:
        assert response.status_code == anonymous.status_code, (
            f"public {route.name}: half-signed-in got {response.status_code}, anonymous {anonymous.status_code}"
        )
        if anonymous.status_code in (301, 302):
            assert response["Location"] == anonymous["Location"], route.name
    elif is_api(route):
        assert response.status_code == 401, f"{route.name}: half-signed-in got {response.status_code}, expected 401"
    else:
        assert response.status_code == 302 and response["Location"].startswith(reverse("two-factor-verify")), (
            f"{route.name}: half-signed-in got {response.status_code}, expected the two-factor step"
        )
