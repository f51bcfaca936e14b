from django.apps import AppConfig


class InquiriesConfig(AppConfig):
    name = "inquiries"
    verbose_name = "Medical inquiries"

    def ready(self):
        from compliance.retention import RETENTION_HOOKS

        from .retention import inquiries_pseudonymise

        if inquiries_pseudonymise not in RETENTION_HOOKS:
            RETENTION_HOOKS.append(inquiries_pseudonymise)

        # An inquiry that mentions an adverse event takes compliance's safety path.
        from compliance.safety import safety_report_for_inquiry

        from .services import ADVERSE_EVENT_HOOKS

        if safety_report_for_inquiry not in ADVERSE_EVENT_HOOKS:
            ADVERSE_EVENT_HOOKS.append(safety_report_for_inquiry)

        from interactions.services import REACTIVE_MATERIAL_GROUNDS, SUBMISSION_CHECKS
        from kols.briefing import BriefingSection, register_briefing_section

        from .selectors import (
            kol_inquiry_briefing,
            off_label_needs_an_inquiry,
            reactive_materials_grounds,
        )

        # The off-label rule is about inquiries, so this app plugs it into submission.
        if off_label_needs_an_inquiry not in SUBMISSION_CHECKS:
            SUBMISSION_CHECKS.append(off_label_needs_an_inquiry)

        if reactive_materials_grounds not in REACTIVE_MATERIAL_GROUNDS:
            REACTIVE_MATERIAL_GROUNDS.append(reactive_materials_grounds)

        register_briefing_section(
            BriefingSection(
                "inquiries",
                "Medical inquiries",
                20,
                "inquiries/briefing/inquiries.html",
                kol_inquiry_briefing,
            )
        )
