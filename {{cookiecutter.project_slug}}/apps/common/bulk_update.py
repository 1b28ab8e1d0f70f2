"""`bulk_update_rows`: many rows' changed fields written in few statements, fast on PostgreSQL.

Django's `bulk_update()` writes, per field, `SET f = CASE WHEN id = 1 THEN ... WHEN id = 2 ...
END WHERE id IN (...)`: the database matches every row against every WHEN, so a statement costs
its rows squared; that is why its batches must stay small (100 rows), and an import's 100,000
updates took about 40 s on PostgreSQL. On PostgreSQL this writes instead

    UPDATE t SET f = v.f, ... FROM (VALUES (%s::bigint, %s::text, ...), ...) AS v(id, f, ...)
    WHERE t.id = v.id

a join of the table with the batch's rows: linear, so a statement can carry thousands of rows.
The values are the fields' own database values (`get_db_prep_save`), each cast to its column's
type (VALUES has none of its own). Other databases keep Django's `bulk_update()`.

Like `bulk_update()`, it writes the fields named and nothing else: no `save()`, no signals, no
`auto_now` (set such fields on the instances first).
"""

from collections.abc import Sequence

from django.db import connections, models, router, transaction

# Most bound values in one statement: well under PostgreSQL's 65,535 parameters.
MAX_PARAMETERS = 30_000
# Django's own bulk_update() rows per statement (its cost grows with rows squared).
FALLBACK_BATCH_SIZE = 100


def _column(model: type[models.Model], name: str) -> models.Field:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.concrete or field.column is None:
        raise ValueError(f"{model.__name__}.{name} is not a column to write.")
    return field


def _column_name(field: models.Field) -> str:
    """The field's column (`_column` made sure it has one; the stubs type it optional)."""
    return str(field.column)


def bulk_update_rows(instances: Sequence[models.Model], fields: Sequence[str]) -> None:
    """Write `fields` of every instance (all of one model, each with a primary key)."""
    if not instances:
        return
    model = type(instances[0])
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model._default_manager.bulk_update(instances, fields=fields, batch_size=FALLBACK_BATCH_SIZE)
        return
    meta = model._meta
    columns = [_column(model, meta.pk.name), *(_column(model, name) for name in fields)]
    quote = connection.ops.quote_name
    casts = ", ".join(f"%s::{column.db_type(connection)}" for column in columns)
    names = ", ".join(quote(_column_name(column)) for column in columns)
    assignments = ", ".join(
        f"{quote(_column_name(column))} = v.{quote(_column_name(column))}" for column in columns[1:]
    )
    table, key = quote(meta.db_table), quote(_column_name(columns[0]))
    batch_size = max(1, MAX_PARAMETERS // len(columns))
    # One batch or all of them, as Django's bulk_update() does.
    with transaction.atomic(using=connection.alias, savepoint=False), connection.cursor() as cursor:
        for start in range(0, len(instances), batch_size):
            batch = instances[start : start + batch_size]
            rows = ", ".join([f"({casts})"] * len(batch))
            parameters = [
                column.get_db_prep_save(getattr(instance, column.attname), connection)
                for instance in batch
                for column in columns
            ]
            cursor.execute(
                f"UPDATE {table} AS t SET {assignments} FROM (VALUES {rows}) AS v({names}) "  # noqa: S608 - names quoted, values bound
                f"WHERE t.{key} = v.{key}",
                parameters,
            )
