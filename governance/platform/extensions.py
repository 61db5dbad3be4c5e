"""Extension singletons, bound to the application in `app.create_app`."""
import enum
import sqlite3

import sqlalchemy as sa
from flask_babel import Babel
from flask_htmx import HTMX
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so that Alembic migrations can refer to them on every database.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
htmx = HTMX()


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_secure_delete(dbapi_connection, _record) -> None:
    """SQLite overwrites deleted rows with zeros (the ballots rewritten at close leave no trace)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA secure_delete = ON")


MONEY = sa.Numeric(14, 2)  # euros and cents


def enum_type(e: type[enum.Enum]) -> sa.Enum:
    """An enum column stored as its values' text (no native type, so migrations stay simple)."""
    return sa.Enum(e, native_enum=False, length=32, values_callable=lambda x: [m.value for m in x],
                   validate_strings=True, create_constraint=False)
