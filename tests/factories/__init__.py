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
from .events import (
    EventFactory,
    ExpectedKOLFactory,
    ExpenseFactory,
    InsightCommentFactory,
    ItineraryItemFactory,
    LearningRecordFactory,
    MentionFactory,
    SharedInsightFactory,
    TrainingRequirementFactory,
    TripFactory,
)
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
    "EventFactory",
    "ExpectedKOLFactory",
    "ExpenseFactory",
    "FollowUpFactory",
    "IndicationFactory",
    "InsightCommentFactory",
    "InsightFactory",
    "InsightTopicFactory",
    "InstitutionFactory",
    "InteractionFactory",
    "InterestFactory",
    "ItineraryItemFactory",
    "KOLFactory",
    "LearningRecordFactory",
    "MedicalInquiryFactory",
    "MentionFactory",
    "ProductFactory",
    "ReportSubscriptionFactory",
    "RestrictedTermFactory",
    "SafetyReportFactory",
    "SharedInsightFactory",
    "StandardResponseFactory",
    "TeamFactory",
    "TerritoryFactory",
    "TherapeuticAreaFactory",
    "TrainingRequirementFactory",
    "TrendReportFactory",
    "TripFactory",
    "UserFactory",
    "ViolationFactory",
    "valid_npi",
]
