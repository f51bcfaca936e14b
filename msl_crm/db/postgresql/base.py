from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLWrapper

from msl_crm.db import WatchedStatements


class DatabaseWrapper(WatchedStatements, PostgreSQLWrapper):
    pass
