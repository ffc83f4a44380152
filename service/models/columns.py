"""Column types the model modules share."""

from sqlalchemy import Enum


def enum_column(cls):
    """Store an enum by its value as text, so the database reads the same words the code does."""
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
