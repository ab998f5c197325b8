"""The template-render hook of tests/query_counts.py catches a query run while a page renders (a queryset handed to a
template, a context processor reading the database) and lets one run before rendering pass."""

from __future__ import annotations

import pytest
from django.template import engines

from partners.models import Organisation
from tests.query_counts import queries_while_rendering


def test_a_queryset_evaluated_by_the_template_is_caught(world):
    template = engines["django"].from_string("{% for o in orgs %}{{ o.name }}{% endfor %}")
    with queries_while_rendering() as during:
        template.render({"orgs": Organisation.objects.all()})
    assert len(during) == 1 and "partners_organisation" in during[0]


def test_a_list_read_before_rendering_is_not(world):
    template = engines["django"].from_string("{% for o in orgs %}{{ o.name }}{% endfor %}")
    with queries_while_rendering() as during:
        orgs = list(Organisation.objects.all())
        html = template.render({"orgs": orgs})
    assert during == [] and world.county.name in html


def test_the_hook_is_removed_afterwards(world):
    template = engines["django"].from_string("{{ orgs|length }}")
    with queries_while_rendering() as during:
        pass
    template.render({"orgs": Organisation.objects.all()})
    assert during == []


@pytest.mark.parametrize("nested", [False, True])
def test_a_query_inside_an_include_counts_once(world, nested):
    inner = "{% for o in orgs %}{{ o.pk }}{% endfor %}"
    source = "{% include inner_template %}" if nested else inner
    template = engines["django"].from_string(source)
    with queries_while_rendering() as during:
        template.render(
            {"orgs": Organisation.objects.all(), "inner_template": engines["django"].from_string(inner).template}
        )
    assert len(during) == 1
