from django.apps import AppConfig


class InquiriesConfig(AppConfig):
    name = "inquiries"
    verbose_name = "Medical inquiries"

    def ready(self):
        from interactions.services import REACTIVE_MATERIAL_GROUNDS
        from kols.briefing import BriefingSection, register_briefing_section

        from .selectors import kol_inquiry_briefing, reactive_materials_grounds

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
