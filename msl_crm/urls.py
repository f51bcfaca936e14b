from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from interactions import views as interaction_views

admin.site.site_header = "MSL CRM administration"
admin.site.site_title = "MSL CRM admin"
# "View site" from the admin opens the product, not "/", which sends role-less admins back here.
admin.site.site_url = "/today/"
# The admin's sign-in gets the per-address pause of ours (before admin.site.urls is read).
admin.site.login = account_views.paused_when_address_blocked(admin.site.login)

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("kols/", include("kols.urls")),
    path("catalog/", include("catalog.urls")),
    path("interactions/", include("interactions.urls")),
    path("follow-ups/", include("interactions.follow_up_urls")),
    path("inquiries/", include("inquiries.urls")),
    path("compliance/", include("compliance.urls")),
    path("reports/", include("reports.urls")),
    path("literature/", include("literature.urls")),
    path("events/", include("events.urls")),
    path("today/", include("today.urls")),
    path("api/", include("api.urls")),
    path("bench/", include("bench.urls")),
    path("calendar/<str:token>.ics", interaction_views.calendar_feed, name="calendar_feed"),
]
handler403 = "msl_crm.errors.permission_denied"
