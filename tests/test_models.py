"""The tables as the model modules declare them are the tables the migrations make, and
`service.models` names every one of them, whichever module of the package holds it."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from service import models
from service.db import db


def test_the_migrations_make_exactly_the_tables_the_models_declare(app):
    with app.app_context(), db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def test_service_models_names_the_model_of_every_table():
    named = {getattr(models, name) for name in models.__all__}
    tables = {cls.__table__.name for cls in named if hasattr(cls, "__table__")}
    assert tables == set(db.metadata.tables)
