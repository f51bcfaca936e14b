from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = "Compliance and audit trail"

    def ready(self):
        # Interactions leave one place for compliance to veto a submission; fill it here so
        # that interactions need not know which rules exist.
        from interactions.services import SUBMISSION_CHECKS

        from .rules import required_interaction_fields

        if required_interaction_fields not in SUBMISSION_CHECKS:
            SUBMISSION_CHECKS.append(required_interaction_fields)
