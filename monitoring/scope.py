"""Who sees what in contract monitoring: the row filters and audit audiences the packages' models share.

- Everything about a contract's performance (returns, values, evidence, queries, visits, improvement plans, the
  end of contract review) is visible to whoever sees the contract: the provider and the commission's organisations.
- KPIs follow the joint commission (see ``monitoring.kpis.models``); returns and confidential feedback have
  narrower rules (see ``monitoring.returns.models``).
- The board's portfolio is a person-level view (a seat on the partnership's board), read by the selector.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, Q

from commissioning.models import JointCommission
from core.tenancy import nothing
from partners.models import Organisation
from procurement.award.models import Contract


def commission_visible(organisation: Organisation, commission_ref: str) -> Q:
    # The unfiltered table the commission's row filter is applied to (as in core.tenancy.row_filter).
    return Q(
        Exists(
            JointCommission._base_manager.filter(
                JointCommission.tenant_filter(organisation), pk=OuterRef(commission_ref)
            )
        )
    )


def contract_visible(organisation: Organisation, contract_ref: str) -> Q:
    """Rows whose contract (``contract_ref`` is the path to it) ``organisation`` may see: its provider and the
    joint commission's organisations."""
    return Q(**{f"{contract_ref}__provider": organisation}) | commission_visible(
        organisation, f"{contract_ref}__commission"
    )


class ContractChild(models.Model):
    """Anything about one contract's performance: visible exactly when the contract is to a signed-in organisation,
    but never to the public (which sees a contract's published headline). That extra condition is why this keeps a
    row filter of its own; each model still declares ``TenantManager(via="contract")``, so its audit audience is the
    contract's."""

    class Meta:
        abstract = True

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return contract_visible(organisation, "contract")


def lock_contract(contract: Contract) -> Contract:
    return (
        Contract.objects.select_for_update(of=("self",))
        .select_related("commission__lead", "provider")
        .get(pk=contract.pk)
    )
