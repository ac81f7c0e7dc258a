#!/usr/bin/python3
"""Alembic's autogenerate comparison of two PostgreSQL databases, as keel's benchmark runs it.

    alembic_compare.py DESIRED_URL CURRENT_URL

Reflects every table of DESIRED_URL's default schema into a SQLAlchemy MetaData
(MetaData.reflect), then runs alembic.autogenerate.compare_metadata with a connection to
CURRENT_URL: the list of operations that would take CURRENT to DESIRED, which is what
`alembic revision --autogenerate` computes before it writes a migration file. Prints one line
per difference on stdout (the first field is the kind, e.g. add_column) and the count on stderr.

compare_type is on (the default from Alembic 1.12; Debian 12 ships 1.8, where it is off), so
that a widened varchar is seen as keel sees it; compare_server_default stays at its default
(off). Needs Debian's python3-alembic, python3-sqlalchemy and python3-psycopg2, hence the
interpreter path above: a pyenv or virtualenv python3 usually lacks them.
"""

import sys
import warnings


def main(argv: list) -> int:
    if len(argv) != 2:
        print("usage: alembic_compare.py DESIRED_URL CURRENT_URL", file=sys.stderr)
        return 2
    desired_url, current_url = argv

    # SQLAlchemy warns about what it cannot reflect (e.g. expression indexes); a user's run
    # shows the same warnings, but they would flood the benchmark's log.
    warnings.simplefilter("ignore")

    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import MetaData, create_engine

    metadata = MetaData()
    desired = create_engine(desired_url)
    metadata.reflect(bind=desired)
    desired.dispose()

    current = create_engine(current_url)
    with current.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = compare_metadata(context, metadata)
    current.dispose()

    out = []
    for diff in diffs:
        # A column modification comes as a list of tuples; every other diff is one tuple.
        first = diff[0] if isinstance(diff, list) else diff
        out.append(f"{first[0]} {first[1:]!r}")
    sys.stdout.write("".join(line + "\n" for line in out))
    print(f"alembic_compare.py: {len(diffs)} differences", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
