"""Every model of grant rounds, re-exported so that Django's app registry and migrations find them.

This module only re-exports: code imports each model from the package that owns it (``grants.programmes.models``,
``grants.applications.models``).
"""

from grants.applications.models import ApplicationAnswer, ApplicationVersion, GrantApplication
from grants.payments.models import GrantFundingShare, GrantInstalment, InstalmentPart
from grants.programmes.models import (
    ApplicationQuestion,
    ApplicationSection,
    GrantAssessor,
    GrantCriterion,
    GrantProgramme,
)
from grants.reports.models import GrantReport

__all__ = [
    "ApplicationAnswer",
    "ApplicationQuestion",
    "ApplicationSection",
    "ApplicationVersion",
    "GrantApplication",
    "GrantAssessor",
    "GrantCriterion",
    "GrantFundingShare",
    "GrantInstalment",
    "GrantProgramme",
    "GrantReport",
    "InstalmentPart",
]

# Deciding (assessment and decisions): appended apart so the packages can grow independently.
from grants.assessment.models import (
    AssessmentScore,
    AssessmentSheet,
    AssessorInterest,
    ModeratedGrantScore,
)
from grants.decisions.models import GrantDecision, GrantLetter, GrantOutcome, GrantRecommendation

__all__ += [
    "AssessmentScore",
    "AssessmentSheet",
    "AssessorInterest",
    "GrantDecision",
    "GrantLetter",
    "GrantOutcome",
    "GrantRecommendation",
    "ModeratedGrantScore",
]
