"""The roles of the product. Each is a Django group created by a data migration."""

from django.db import models


class Role(models.TextChoices):
    """A role is the name of its group, so the group table stays readable in the admin."""

    MSL = "MSL", "MSL"
    MANAGER = "Manager", "Manager (medical affairs)"
    MEDICAL_INFORMATION = "Medical Information", "Medical Information"
    COMPLIANCE = "Compliance", "Compliance admin"
    VIEWER = "Viewer", "Stakeholder viewer"
