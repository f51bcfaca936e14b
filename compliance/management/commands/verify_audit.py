from django.core.management.base import BaseCommand, CommandError

from compliance.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Walk the audit trail's hash chain; exit non-zero at the first broken entry."

    def handle(self, *args, **options):
        result = audit_chain_verify()
        if not result.ok:
            where = f"entry #{result.broken_sequence}" if result.broken_sequence else "the chain"
            if result.broken_entry_id:
                where += f" (id {result.broken_entry_id})"
            raise CommandError(
                f"Audit trail broken at {where}: {result.problem}. "
                f"{result.checked} entries before it verified.",
                returncode=1,
            )
        self.stdout.write(self.style.SUCCESS(f"Audit trail intact: {result.checked} entries."))
