from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = "Compliance and audit trail"

    def ready(self):
        # Interactions leave one place for compliance to veto a submission; fill it here so
        # that interactions need not know which rules exist.
        from interactions.services import SUBMISSION_CHECKS

        from .rules import off_label_needs_an_inquiry, required_interaction_fields

        for check in (required_interaction_fields, off_label_needs_an_inquiry):
            if check not in SUBMISSION_CHECKS:
                SUBMISSION_CHECKS.append(check)

        from inquiries.services import ADVERSE_EVENT_HOOKS

        from .safety import safety_report_for_inquiry

        if safety_report_for_inquiry not in ADVERSE_EVENT_HOOKS:
            ADVERSE_EVENT_HOOKS.append(safety_report_for_inquiry)
