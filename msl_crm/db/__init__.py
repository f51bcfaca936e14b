"""Django's PostgreSQL and SQLite backends, each telling the page cache what every statement
reads and writes and when a transaction commits (msl_crm/page_cache.py). A backend, not a
signal: every process that opens a connection — web, Celery worker, command — gets it."""

from msl_crm import page_cache


class WatchedStatements:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # First in the list: a `connection.execute_wrapper()` block pops the last on leaving.
        self.execute_wrappers.insert(0, page_cache.watch_statements)

    def set_autocommit(self, autocommit, *args, **kwargs):
        if not autocommit:
            # A transaction begins. What the last one kept is dropped here too: a connection
            # closed inside a transaction (the server gone, a failed rollback) never reaches
            # commit() or rollback().
            page_cache.transaction_began(self)
        super().set_autocommit(autocommit, *args, **kwargs)

    def commit(self):
        super().commit()
        page_cache.committed(self)

    def rollback(self):
        super().rollback()
        page_cache.rolled_back(self)
