from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper

from msl_crm.db import WatchedStatements


class DatabaseWrapper(WatchedStatements, SQLiteWrapper):
    pass
