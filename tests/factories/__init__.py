"""factory-boy factories for every model, shared by all apps' tests."""

from .accounts import TeamFactory, TerritoryFactory, UserFactory
from .catalog import (
    ApprovedMaterialFactory,
    IndicationFactory,
    InsightTopicFactory,
    ProductFactory,
    TherapeuticAreaFactory,
)
from .compliance import RestrictedTermFactory, SafetyReportFactory, ViolationFactory
from .inquiries import (
    DocumentedInterestFactory,
    MedicalInquiryFactory,
    StandardResponseFactory,
)
from .interactions import FollowUpFactory, InsightFactory, InteractionFactory
from .kols import (
    AffiliationFactory,
    EngagementPlanFactory,
    InstitutionFactory,
    InterestFactory,
    KOLFactory,
    valid_npi,
)
from .reports import ReportSubscriptionFactory, TrendReportFactory

__all__ = [
    "AffiliationFactory",
    "ApprovedMaterialFactory",
    "DocumentedInterestFactory",
    "EngagementPlanFactory",
    "FollowUpFactory",
    "IndicationFactory",
    "InsightFactory",
    "InsightTopicFactory",
    "InstitutionFactory",
    "InteractionFactory",
    "InterestFactory",
    "KOLFactory",
    "MedicalInquiryFactory",
    "ProductFactory",
    "ReportSubscriptionFactory",
    "RestrictedTermFactory",
    "SafetyReportFactory",
    "StandardResponseFactory",
    "TeamFactory",
    "TerritoryFactory",
    "TherapeuticAreaFactory",
    "TrendReportFactory",
    "UserFactory",
    "ViolationFactory",
    "valid_npi",
]
