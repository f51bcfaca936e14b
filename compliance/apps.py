from django.apps import AppConfig
from django.db.models.signals import post_migrate

# What the Compliance role may do in the admin site: configure the rules, read the records
# the rules produce, unlock interactions for correction.
COMPLIANCE_ADMIN_PERMISSIONS = {
    "compliance": [
        "add_restrictedterm",
        "change_restrictedterm",
        "delete_restrictedterm",
        "view_restrictedterm",
        "add_requiredinteractionfield",
        "change_requiredinteractionfield",
        "delete_requiredinteractionfield",
        "view_requiredinteractionfield",
        "change_compliancepolicy",
        "view_compliancepolicy",
        "view_violation",
        "view_safetyreport",
        "view_auditentry",
        "view_auditchainverification",
        "change_firewallrule",
        "view_firewallrule",
        "add_openpaymentsthreshold",
        "change_openpaymentsthreshold",
        "view_openpaymentsthreshold",
        "view_transferofvalue",
        "add_productcertification",
        "change_productcertification",
        "view_productcertification",
    ],
    "inquiries": [
        "add_servicelevel",
        "change_servicelevel",
        "view_servicelevel",
        "change_inquirypolicy",
        "view_inquirypolicy",
        "add_standardresponse",
        "change_standardresponse",
        "view_standardresponse",
    ],
    "interactions": ["view_interaction"],
}


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = "Compliance and audit trail"

    def ready(self):
        # After every app's migrations, because the permissions of the apps above this one
        # are created only when their own migrations have run.
        post_migrate.connect(grant_compliance_admin_permissions)
        plug_into_kol_briefing()


def plug_into_kol_briefing():
    from kols.briefing import BriefingSection, register_briefing_section

    from .transfers import kol_value_briefing

    register_briefing_section(
        BriefingSection(
            "transfers_of_value",
            "Transfers of value this year",
            50,
            "compliance/briefing/transfers.html",
            kol_value_briefing,
        )
    )


def grant_compliance_admin_permissions(sender, using="default", **kwargs):
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    from accounts.roles import Role

    group = Group.objects.using(using).filter(name=Role.COMPLIANCE).first()
    if group is None:
        return
    wanted = Q(pk__in=[])
    for app_label, codenames in COMPLIANCE_ADMIN_PERMISSIONS.items():
        wanted |= Q(content_type__app_label=app_label, codename__in=codenames)
    group.permissions.add(*Permission.objects.using(using).filter(wanted))
