from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Team
from catalog.models import Product, TherapeuticArea
from kols.models import KOL


class WatchTopic(models.Model):
    """What an MSL (or a whole team) wants to hear about: search terms, optionally narrowed
    to a therapeutic area and products."""

    name = models.CharField(max_length=120)
    terms = models.TextField(help_text="One term or phrase per line; any of them matches.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="watch_topics",
    )
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="watch_topics"
    )
    therapeutic_area = models.ForeignKey(
        TherapeuticArea, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    products = models.ManyToManyField(Product, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner__isnull=False) | Q(team__isnull=False),
                name="watch_topic_has_an_owner_or_team",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def term_list(self) -> list[str]:
        return [line.strip() for line in self.terms.splitlines() if line.strip()]

    def narrowing_terms(self) -> list[str]:
        """What an item must also mention: one of the chosen products (brand or generic
        name); else, with a therapeutic area, its name or one of its products. Read from
        prefetched relations (see literature.selectors.watch_topics_for)."""
        products = list(self.products.all())
        if not products and self.therapeutic_area is not None:
            products = list(self.therapeutic_area.products.all())
            names = [self.therapeutic_area.name]
        else:
            names = []
        for product in products:
            names += [product.name, product.generic_name]
        return [name for name in names if name]


class MatchStatus(models.TextChoices):
    SUGGESTED = "suggested", "Suggested"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"


class LiteratureItem(models.Model):
    """What publications and trials share: when we first saw them and whether an import
    has changed them since."""

    title = models.TextField()
    first_seen_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    was_updated = models.BooleanField(default=False)
    # Lower-case text of every searchable field (title, abstract, MeSH terms, conditions,
    # interventions), written at import, so watch topics query one column.
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        abstract = True


class Publication(LiteratureItem):
    pmid = models.CharField("PMID", max_length=20, unique=True)
    doi = models.CharField("DOI", max_length=200, blank=True)
    abstract = models.TextField(blank=True)
    journal = models.CharField(max_length=300, blank=True)
    published_on = models.DateField(null=True, blank=True)
    mesh_terms = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-published_on", "-pk"]

    def __str__(self) -> str:
        return f"PMID {self.pmid}: {self.title[:80]}"

    @property
    def url(self) -> str:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"


class ClinicalTrial(LiteratureItem):
    nct_id = models.CharField("NCT id", max_length=20, unique=True)
    status = models.CharField(max_length=60, blank=True)
    phase = models.CharField(max_length=60, blank=True)
    conditions = models.JSONField(default=list, blank=True)
    interventions = models.JSONField(default=list, blank=True)
    sponsor = models.CharField(max_length=300, blank=True)
    locations = models.JSONField(default=list, blank=True)
    start_date = models.DateField(null=True, blank=True)
    completion_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-start_date", "-pk"]

    def __str__(self) -> str:
        return f"{self.nct_id}: {self.title[:80]}"

    @property
    def url(self) -> str:
        return f"https://clinicaltrials.gov/study/{self.nct_id}"


class Contributor(models.Model):
    """An author of a publication or an investigator of a trial, matched to a KOL where we
    can tell who it is."""

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, null=True, blank=True, related_name="authors"
    )
    trial = models.ForeignKey(
        ClinicalTrial, on_delete=models.CASCADE, null=True, blank=True, related_name="investigators"
    )
    position = models.PositiveSmallIntegerField(default=0)
    last_name = models.CharField(max_length=120)
    first_name = models.CharField(max_length=120, blank=True)
    affiliation = models.TextField(blank=True)
    orcid = models.CharField("ORCID", max_length=40, blank=True)
    role = models.CharField(max_length=80, blank=True)
    kol = models.ForeignKey(
        KOL, on_delete=models.SET_NULL, null=True, blank=True, related_name="literature"
    )
    match_confidence = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    match_status = models.CharField(max_length=20, choices=MatchStatus.choices, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(publication__isnull=False, trial__isnull=True)
                | Q(publication__isnull=True, trial__isnull=False),
                name="contributor_of_one_item",
            )
        ]
        indexes = [models.Index(fields=["kol", "match_status"], name="contributor_kol")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class FeedEntry(models.Model):
    """One user's relation to one item: read, saved to a KOL, shared with the team."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    trial = models.ForeignKey(
        ClinicalTrial, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    read_at = models.DateTimeField(null=True, blank=True)
    saved_to = models.ManyToManyField(KOL, blank=True, related_name="saved_literature")
    shared_with = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="shared_literature"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "publication"], name="feed_entry_publication"),
            models.UniqueConstraint(fields=["user", "trial"], name="feed_entry_trial"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.publication or self.trial}"


class FeedVisit(models.Model):
    """When the user last opened the feed: what changed since then is new to them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    previous_visit_at = models.DateTimeField(null=True, blank=True)
    last_visit_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user} saw the feed at {self.last_visit_at}"
