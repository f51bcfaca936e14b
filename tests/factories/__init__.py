"""factory-boy factories for every model, shared by all apps' tests."""

from .accounts import TeamFactory, TerritoryFactory, UserFactory

__all__ = ["TeamFactory", "TerritoryFactory", "UserFactory"]
