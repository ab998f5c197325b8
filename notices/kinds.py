"""The Procurement Act 2023 notice types Jointly prepares, and what each must contain, as data.

Sources (read when this was written; each kind names the one it follows):
- Find a Tender, "Notice types and sequences": https://www.find-tender.service.gov.uk/Home/NoticeTypes (the UK
  numbers, when each notice must be published);
- The Procurement Regulations 2024 (SI 2024/692), Part 2, which lists each notice's contents (regulation 15 pipeline,
  16 planned procurement, 17 preliminary market engagement, 18 tender notice (open procedure), 24 below-threshold
  tender notice, 27 contract award, 32 contract details, 40 contract change, 41 contract termination):
  https://www.legislation.gov.uk/uksi/2024/692/contents/made;
- Cabinet Office guidance on each notice: https://www.gov.uk/government/collections/procurement-act-2023-guidance-documents
  (contract performance notices, contract termination, contract modifications);
- Local authorities' below-threshold notices (Procurement Act 2023 Part 6, s.84-88; £30,000 including VAT for a
  local authority): https://www.gov.uk/government/publications/local-government-transparency-code-2015/guidance-for-
  reconciling-publication-requirements-of-the-procurement-act-2023-and-the-local-government-transparency-code-2015

Only the fields Jointly holds facts for are listed; each says what to do when it is missing ("Add the tender's CPV
codes"). Every notice starts with "the contracting authority information", "the title of the procurement" and
"the unique identifier for the procurement" (regulations 15-41), so those come first in every kind.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

STANDSTILL_WORKING_DAYS = 8  # s.51: the mandatory standstill runs 8 working days from the contract award notice
CONTRACT_DETAILS_DAYS = 30  # s.53(3): the contract details notice within 30 days of entering into the contract
TERMINATION_NOTICE_DAYS = 30  # s.80(1): the contract termination notice within 30 days of the contract ending
LOCAL_AUTHORITY_BELOW_THRESHOLD = "30000.00"  # s.86-87: notifiable below-threshold contract, incl. VAT (non-central)


class NoticeKind(models.TextChoices):
    UK1 = "UK1", "UK1 pipeline notice"
    UK2 = "UK2", "UK2 preliminary market engagement notice"
    UK3 = "UK3", "UK3 planned procurement notice"
    UK4 = "UK4", "UK4 tender notice"
    UK4_BT = "UK4-BT", "UK4 below-threshold tender notice"
    UK6 = "UK6", "UK6 contract award notice"
    UK7 = "UK7", "UK7 contract details notice"
    UK7_BT = "UK7-BT", "UK7 contract details notice (below threshold)"
    UK9 = "UK9", "UK9 contract performance notice"
    UK10 = "UK10", "UK10 contract change notice"
    UK11 = "UK11", "UK11 contract termination notice"
    UK12 = "UK12", "UK12 procurement termination notice"


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    missing: str  # the refusal when Jointly does not hold it: what to do
    optional: bool = False


@dataclass(frozen=True)
class KindSpec:
    kind: NoticeKind
    subject: str  # "tender", "contract" or "variation": what the notice is generated from
    law: str  # the section of the Act and the regulation listing its contents
    when: str  # when it must be published, in plain words
    guidance_url: str
    tag: str  # the OCDS releaseTag of its release
    correction_tag: str  # the releaseTag of a correction
    fields: tuple[Field, ...]

    @property
    def required(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if not f.optional)


AUTHORITY = Field("contracting_authority", "Contracting authority", "Name the lead organisation")
PARTNERS = Field("other_authorities", "Other contracting authorities (joint procurement)", "", optional=True)
TITLE = Field("title", "Title of the procurement", "Give the tender a title")
IDENTIFIER = Field("procurement_identifier", "Unique identifier for the procurement", "Give the tender a reference")
SUBJECT = Field("description", "Contract subject-matter", "Describe what is being bought (the tender's summary)")
CPV = Field("cpv_codes", "CPV codes", "Add the tender's CPV codes")
VALUE = Field(
    "estimated_value_inc_vat", "Estimated value (including VAT)", "Add the tender's estimated value including VAT"
)
LIGHT_TOUCH = Field("light_touch", "Light touch contract (Schedule 1 services)", "", optional=True)
CONTRACT_ID = Field("contract_identifier", "Unique identifier for the contract", "Record the signed contract")
SUPPLIER = Field("supplier", "Supplier", "Record the supplier of the contract")
SUPPLIER_ID = Field(
    "supplier_identifier",
    "Supplier's identifier (company or charity number)",
    "Add the supplier's company or charity number to its organisation profile",
)
TERM = Field("contract_term", "Contract term", "Give the contract's start and end dates")

TENDER_FIELDS = (
    AUTHORITY,
    PARTNERS,
    TITLE,
    IDENTIFIER,
    SUBJECT,
    CPV,
    VALUE,
    LIGHT_TOUCH,
    Field("procedure", "Procedure", "Choose the tender's procedure"),
    Field("lots", "Lots", "", optional=True),
    Field("enquiry_deadline", "Deadline for clarification questions", "Set the clarification deadline"),
    Field("submission_deadline", "Tender submission deadline", "Set the bid deadline"),
    Field("award_criteria", "Award criteria and their weights", "Approve the evaluation method (its criteria)"),
    Field("term_years", "Contract term (years)", "Give the contract term in years"),
    Field("documents_url", "Where the tender documents are", "Publish the tender on the opportunities portal"),
)

KINDS: dict[str, KindSpec] = {
    spec.kind: spec
    for spec in (
        KindSpec(
            NoticeKind.UK1,
            "tender",
            "s.93; Procurement Regulations 2024 reg. 15",
            "Between 1 April and 26 May for contracts over £2 million in the next 18 months (authorities spending "
            "over £100 million a year); optional otherwise.",
            "https://www.find-tender.service.gov.uk/Home/NoticeTypes",
            "planning",
            "planningUpdate",
            (
                AUTHORITY,
                TITLE,
                IDENTIFIER,
                SUBJECT,
                VALUE,
                Field(
                    "estimated_tender_notice_date",
                    "Estimated date of the tender notice",
                    "Plan the tender stage in the commission's timetable",
                ),
                Field(
                    "estimated_award_date",
                    "Estimated contract award date",
                    "Plan the award stage in the commission's timetable",
                ),
                Field("pipeline_plans", "The partners' published forward plans behind it", "", optional=True),
            ),
        ),
        KindSpec(
            NoticeKind.UK2,
            "tender",
            "s.17; Procurement Regulations 2024 reg. 17",
            "Before the tender notice when preliminary market engagement is carried out (or the tender notice "
            "says why not).",
            "https://www.find-tender.service.gov.uk/Home/NoticeTypes",
            "planning",
            "planningUpdate",
            (
                AUTHORITY,
                TITLE,
                IDENTIFIER,
                SUBJECT,
                CPV,
                Field(
                    "engagement",
                    "How suppliers are engaged, and when",
                    "Plan a market engagement stage (for example training for interested providers) in the "
                    "commission's timetable",
                ),
            ),
        ),
        KindSpec(
            NoticeKind.UK3,
            "tender",
            "s.15; Procurement Regulations 2024 reg. 16",
            "Optional; published 40 days to a year before the tender notice it can shorten the tendering period.",
            "https://www.find-tender.service.gov.uk/Home/NoticeTypes",
            "planning",
            "planningUpdate",
            (
                AUTHORITY,
                TITLE,
                IDENTIFIER,
                SUBJECT,
                CPV,
                VALUE,
                Field(
                    "estimated_tender_notice_date",
                    "Estimated date of the tender notice",
                    "Plan the tender stage in the commission's timetable",
                ),
            ),
        ),
        KindSpec(
            NoticeKind.UK4,
            "tender",
            "s.21; Procurement Regulations 2024 reg. 18",
            "To start a competitive tendering procedure (open or competitive flexible).",
            "https://www.gov.uk/government/publications/procurement-act-2023-guidance-documents-procure-phase",
            "tender",
            "tenderUpdate",
            TENDER_FIELDS,
        ),
        KindSpec(
            NoticeKind.UK4_BT,
            "tender",
            "s.87(1); Procurement Regulations 2024 reg. 24",
            "When a local authority advertises a notifiable below-threshold contract (£30,000 or more including VAT).",
            "https://www.find-tender.service.gov.uk/Home/NoticeTypes",
            "tender",
            "tenderUpdate",
            (
                AUTHORITY,
                TITLE,
                IDENTIFIER,
                SUBJECT,
                CPV,
                VALUE,
                Field("submission_deadline", "Tender submission deadline", "Set the bid deadline"),
                Field("documents_url", "How to respond", "Publish the tender on the opportunities portal"),
            ),
        ),
        KindSpec(
            NoticeKind.UK6,
            "contract",
            "s.50; Procurement Regulations 2024 reg. 27",
            "Before entering into the contract; the standstill (8 working days) runs from its publication.",
            "https://www.find-tender.service.gov.uk/Home/NoticeTypes",
            "award",
            "awardUpdate",
            (
                AUTHORITY,
                TITLE,
                IDENTIFIER,
                SUBJECT,
                CPV,
                SUPPLIER,
                SUPPLIER_ID,
                Field("award_value", "Value of the award (whole term)", "Approve the award recommendation"),
                Field("award_decision_date", "Date of the award decision", "Approve the award recommendation"),
                Field("standstill_days", "Standstill period (working days)", "Set the tender's standstill period"),
            ),
        ),
        KindSpec(
            NoticeKind.UK7,
            "contract",
            "s.53; Procurement Regulations 2024 reg. 32",
            "Within 30 days of entering into the contract.",
            "https://www.find-tender.service.gov.uk/Home/NoticeTypes",
            "contract",
            "contractUpdate",
            (
                AUTHORITY,
                TITLE,
                IDENTIFIER,
                CONTRACT_ID,
                SUBJECT,
                SUPPLIER,
                SUPPLIER_ID,
                Field("supplier_is_vcse", "Supplier is a voluntary, community or social enterprise", "", True),
                Field("procedure", "Procedure followed", "Choose the tender's procedure"),
                Field("contract_value", "Contract value (whole term)", "Record each partner's share of the contract"),
                Field("date_signed", "Date the contract was signed", "Record the signed contract"),
                TERM,
                Field("kpis", "Key performance indicators", "", optional=True),
            ),
        ),
        KindSpec(
            NoticeKind.UK7_BT,
            "contract",
            "s.87(3); Procurement Regulations 2024 Part 2",
            "As soon as reasonably practicable after entering into a notifiable below-threshold contract.",
            "https://www.find-tender.service.gov.uk/Home/NoticeTypes",
            "contract",
            "contractUpdate",
            (
                AUTHORITY,
                TITLE,
                IDENTIFIER,
                CONTRACT_ID,
                SUPPLIER,
                SUPPLIER_ID,
                Field("supplier_is_vcse", "Supplier is a voluntary, community or social enterprise", "", True),
                Field("contract_value", "Contract value (whole term)", "Record each partner's share of the contract"),
                Field("date_signed", "Date the contract was signed", "Record the signed contract"),
                TERM,
            ),
        ),
        KindSpec(
            NoticeKind.UK9,
            "contract",
            "s.71; Cabinet Office guidance on contract performance notices",
            "At least once in every 12 months of a contract over £5 million with KPIs, and on termination.",
            "https://www.gov.uk/government/publications/procurement-act-2023-guidance-documents-manage-phase/"
            "guidance-contract-performance-notices-html",
            "implementation",
            "implementationUpdate",
            (
                AUTHORITY,
                TITLE,
                IDENTIFIER,
                CONTRACT_ID,
                SUPPLIER,
                Field("assessment_period", "Period assessed", "Accept at least one KPI return for the contract first"),
                Field("kpi_ratings", "Performance against each KPI", "Accept at least one KPI return with values"),
            ),
        ),
        KindSpec(
            NoticeKind.UK10,
            "variation",
            "s.75; Procurement Regulations 2024 reg. 40",
            "Before modifying the contract, where the modification needs one (s.75).",
            "https://www.gov.uk/government/publications/procurement-act-2023-guidance-documents-manage-phase/"
            "guidance-contract-modifications-html",
            "contractAmendment",
            "contractAmendment",
            (
                AUTHORITY,
                TITLE,
                IDENTIFIER,
                CONTRACT_ID,
                SUPPLIER,
                Field("modification", "Description of the modification", "Describe the variation"),
                Field("value_change", "Change in the contract's value", "Record the variation's change in value"),
                Field("modification_date", "Date the modification was agreed", "Record when the variation was agreed"),
            ),
        ),
        KindSpec(
            NoticeKind.UK11,
            "contract",
            "s.80; Procurement Regulations 2024 reg. 41",
            "Within 30 days of the contract ending, however it ended.",
            "https://www.gov.uk/government/publications/procurement-act-2023-guidance-documents-manage-phase/"
            "guidance-contract-termination-html",
            "contractTermination",
            "contractTermination",
            (
                AUTHORITY,
                TITLE,
                IDENTIFIER,
                CONTRACT_ID,
                SUPPLIER,
                SUPPLIER_ID,
                Field("termination_reason", "Why the contract ended", "Record the contract's termination and reason"),
                Field("termination_date", "Date the contract ended", "Record the contract's termination date"),
                Field("contract_value", "Estimated value of the contract", "Record each partner's share"),
            ),
        ),
        KindSpec(
            NoticeKind.UK12,
            "tender",
            "s.55; Procurement Regulations 2024 Part 2",
            "As soon as reasonably practicable after deciding not to award the contract.",
            "https://www.find-tender.service.gov.uk/Home/NoticeTypes",
            "tenderCancellation",
            "tenderCancellation",
            (
                AUTHORITY,
                TITLE,
                IDENTIFIER,
                Field("decision", "The decision not to award, and why", "Cancel the tender, giving the reason"),
                Field("decision_date", "Date of the decision", "Cancel the tender"),
            ),
        ),
    )
}


def spec_for(kind: str) -> KindSpec:
    return KINDS[kind]


def tag_for(kind: str, *, correction: bool) -> str:
    spec = KINDS[kind]
    return spec.correction_tag if correction else spec.tag
