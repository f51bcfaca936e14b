"""factory-boy factories for every model, shared by all apps' tests."""

from .accounts import TeamFactory, TerritoryFactory, UserFactory
from .catalog import (
    ApprovedMaterialFactory,
    IndicationFactory,
    InsightTopicFactory,
    ProductFactory,
    TherapeuticAreaFactory,
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

__all__ = [
    "AffiliationFactory",
    "ApprovedMaterialFactory",
    "EngagementPlanFactory",
    "FollowUpFactory",
    "IndicationFactory",
    "InsightFactory",
    "InsightTopicFactory",
    "InstitutionFactory",
    "InteractionFactory",
    "InterestFactory",
    "KOLFactory",
    "ProductFactory",
    "TeamFactory",
    "TerritoryFactory",
    "TherapeuticAreaFactory",
    "UserFactory",
    "valid_npi",
]
