"""Django's PostgreSQL and SQLite backends, each telling the table generations what every
statement reads and writes and when a transaction commits (msl_crm/table_generations.py). A
backend, not a signal: every process that opens a connection — web, Celery worker, command —
gets it."""

from msl_crm import table_generations


class WatchedStatements:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # First in the list: a `connection.execute_wrapper()` block pops the last on leaving.
        self.execute_wrappers.insert(0, table_generations.watch_statements)

    def set_autocommit(self, autocommit, *args, **kwargs):
        if not autocommit:
            # A transaction begins. What the last one kept is dropped here too: a connection
            # closed inside a transaction (the server gone, a failed rollback) never reaches
            # commit() or rollback().
            table_generations.transaction_began(self)
        super().set_autocommit(autocommit, *args, **kwargs)

    def commit(self):
        super().commit()
        table_generations.committed(self)

    def rollback(self):
        super().rollback()
        table_generations.rolled_back(self)
