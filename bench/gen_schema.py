#!/usr/bin/env python3
"""Generate a realistic, deterministic database schema for keel benchmarks.

One seeded model is written in three forms that describe exactly the same schema:

  toml        keel's desired-state format (one file, or a directory with --split)
  pg-sql      PostgreSQL DDL; loading it and planning the TOML against it gives an empty plan
  sqlite-sql  SQLite DDL in keel's SQLite conventions (implies --portable: only types and
              defaults both engines accept); pair it with the TOML of --portable

Examples:

  gen_schema.py --tables 1000 --seed 1 --format pg-sql -o /tmp/b/schema.sql
  gen_schema.py --tables 1000 --seed 1 --format toml -o /tmp/b/schema.toml
  gen_schema.py --tables 1000 --seed 1 --format toml --changed 5 -o /tmp/b/changed.toml
  gen_schema.py --tables 1000 --seed 1 --format toml --split -o /tmp/b/schema.d
  gen_schema.py --tables 1000 --seed 1 --format sqlite-sql -o /tmp/b/sqlite.sql
  gen_schema.py --tables 1000 --seed 1 --format toml --portable -o /tmp/b/sqlite.toml

Every table has an identity primary key, 5 to 20 columns of mixed types, NOT NULL and nullable
columns, defaults, unique constraints, one to three foreign keys to earlier tables, checks, one
to three indexes (single-column, multi-column, partial, GIN) and, now and then, comments. Enums
are shared between tables. `--changed PCT` rewrites PCT percent of the tables (add a nullable
column, add or drop an index, change a default, widen a varchar, add a check, add an enum
value, change a comment, add a table); the rest of the output is byte-identical to the base.

Names follow PostgreSQL's defaults where the SQL leaves them implicit (<table>_pkey,
<table>_<column>_key, <table>_<column>_fkey); indexes, checks and multi-column unique
constraints are named explicitly. Standard library only; the same arguments always give the
same bytes.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import re
import sys
from typing import Optional, Union

MAX_IDENT = 63  # PostgreSQL's NAMEDATALEN - 1: longer names would be truncated silently

# Singular entity nouns; table names are "<plural>_<n>", which keeps every default constraint
# name distinct (a table name never starts with another table's name followed by "_<letter>").
NOUNS = [
    "account", "customer", "invoice", "invoice_line", "payment", "refund", "subscription",
    "plan", "product", "variant", "warehouse", "shipment", "purchase", "vendor", "contract",
    "ticket", "ticket_reply", "article", "campaign", "lead", "contact", "opportunity",
    "meeting", "task", "project", "milestone", "asset", "device", "sensor_reading", "alert",
    "incident", "deployment", "release", "build", "artifact", "repository", "team",
    "employee", "payroll_run", "expense", "budget", "ledger_entry", "journal", "tax_rate",
    "coupon", "cart", "review", "category", "label", "webhook", "api_token", "session",
    "audit_event", "notification", "message", "thread", "attachment", "document", "folder",
    "permission", "role", "location", "route", "vehicle", "driver", "trip", "booking", "room",
    "guest", "reservation", "course", "lesson", "enrollment", "quiz", "grade", "patient",
    "appointment", "prescription", "supplier", "purchase_order", "batch", "recipe",
    "ingredient", "survey", "survey_answer", "shift", "timesheet", "listing", "bid",
]

# Shared enums: (type name base, column name, values, value that --changed may append).
ENUMS = [
    ("record_status", "status", ["draft", "active", "suspended", "archived"], "deleted"),
    ("priority_level", "priority", ["low", "normal", "high", "urgent"], "critical"),
    ("billing_cycle", "billing_cycle", ["monthly", "quarterly", "yearly"], "weekly"),
    ("approval_state", "approval", ["pending", "approved", "rejected"], "escalated"),
    ("channel_kind", "channel", ["email", "sms", "push", "webhook"], "slack"),
    ("visibility_scope", "visibility", ["private", "internal", "public"], "unlisted"),
    ("severity_level", "severity", ["debug", "info", "warning", "error", "critical"], "fatal"),
    ("payment_method", "method", ["card", "bank_transfer", "paypal", "invoice"], "crypto"),
]

Default = Union[None, str, int, float, bool, "Sql"]


@dataclasses.dataclass(frozen=True)
class Sql:
    """A default given as an SQL expression ({ sql = "..." } in TOML)."""

    expr: str


@dataclasses.dataclass(frozen=True)
class Spec:
    """A column template of the pool. `portable` is the type in --portable mode (None: skip)."""

    name: str
    pg: str
    portable: Optional[str]
    nullable: float = 0.0  # probability of being nullable
    default: Default = None
    pg_default: Default = None  # overrides `default` outside --portable mode
    check: Optional[str] = None  # "{c}" is the column name
    unique: bool = False  # a candidate for unique = true
    comment: Optional[str] = None


POOL = [
    Spec("name", "varchar(120)", "varchar(120)", check="length({c}) > 0"),
    Spec("title", "varchar(200)", "varchar(200)", check="length({c}) > 0"),
    Spec("slug", "varchar(80)", "varchar(80)", unique=True, comment="URL-safe identifier"),
    Spec("email", "varchar(255)", "varchar(255)", nullable=0.2, unique=True),
    Spec("code", "varchar(32)", "varchar(32)", unique=True, check="length({c}) >= 3"),
    Spec("description", "text", "text", nullable=0.7),
    Spec("notes", "text", "text", nullable=0.9),
    Spec("quantity", "integer", "integer", default=0, check="{c} >= 0"),
    Spec("sort_order", "integer", "integer", default=0),
    Spec("amount", "numeric(12,2)", "numeric(12,2)", default=0, check="{c} >= 0",
         comment="In the account currency"),
    Spec("unit_price", "numeric(12,2)", "numeric(12,2)", nullable=0.3, check="{c} >= 0"),
    Spec("discount_rate", "numeric(5,4)", "numeric(5,4)", default=0,
         check="{c} BETWEEN 0 AND 1"),
    Spec("score", "double precision", "real", nullable=0.5),
    Spec("weight_grams", "integer", "integer", nullable=0.4, check="{c} > 0"),
    Spec("retry_count", "smallint", "integer", default=0, check="{c} >= 0"),
    Spec("revision", "integer", "integer", default=1, check="{c} > 0"),
    Spec("is_active", "boolean", "boolean", default=True),
    Spec("is_archived", "boolean", "boolean", default=False),
    Spec("is_public", "boolean", "boolean", default=False),
    Spec("starts_on", "date", "date", nullable=0.3),
    Spec("due_on", "date", "date", nullable=0.6),
    Spec("published_at", "timestamptz", "timestamptz", nullable=1.0),
    Spec("deleted_at", "timestamptz", "timestamptz", nullable=1.0,
         comment="Soft delete marker; NULL while the row is live"),
    Spec("expires_at", "timestamptz", "timestamptz", nullable=0.5),
    Spec("currency", "char(3)", "varchar(3)", default="USD", check="length({c}) = 3"),
    Spec("country_code", "varchar(2)", "varchar(2)", nullable=0.4),
    Spec("locale", "varchar(16)", "varchar(16)", default="en-US"),
    Spec("metadata", "jsonb", "text", default="{}", pg_default=Sql("'{}'::jsonb")),
    Spec("settings", "jsonb", "text", nullable=0.5),
    Spec("tags", "text[]", None, pg_default=Sql("'{}'::text[]")),
    Spec("external_ref", "uuid", "varchar(36)", nullable=0.5, unique=True),
    Spec("public_id", "uuid", None, pg_default=Sql("gen_random_uuid()"), unique=True),
    Spec("ip_address", "inet", "varchar(45)", nullable=0.6),
    Spec("checksum", "bytea", None, nullable=0.6),
    Spec("duration", "interval", None, nullable=0.5),
    Spec("duration_seconds", "integer", "integer", nullable=0.5, check="{c} >= 0"),
    Spec("latitude", "numeric(9,6)", "numeric(9,6)", nullable=0.5,
         check="{c} BETWEEN -90 AND 90"),
    Spec("longitude", "numeric(9,6)", "numeric(9,6)", nullable=0.5,
         check="{c} BETWEEN -180 AND 180"),
    Spec("phone", "varchar(32)", "varchar(32)", nullable=0.6),
    Spec("url", "varchar(2048)", "varchar(2048)", nullable=0.5),
    Spec("last_seen_at", "timestamptz", "timestamptz", nullable=1.0),
]

# Nullable columns --changed may add: (name, pg type, portable type).
EXTRA_COLUMNS = [
    ("archived_reason", "text", "text"),
    ("external_url", "varchar(500)", "varchar(500)"),
    ("last_synced_at", "timestamptz", "timestamptz"),
    ("source_system", "varchar(40)", "varchar(40)"),
    ("import_batch", "integer", "integer"),
    ("review_note", "text", "text"),
]

TABLE_COMMENTS = [
    "{Plural} owned by an account",
    "One row per {singular}; soft-deleted rows keep deleted_at",
    "{Plural} synced nightly from the upstream system",
    "Append-mostly log of {plural}",
    "{Plural} shown in the customer portal",
]


@dataclasses.dataclass
class Column:
    name: str
    type: str
    nullable: bool = False
    default: Default = None
    identity: Optional[str] = None  # "always" | "by default"
    unique: bool = False
    ref_table: Optional[str] = None
    on_delete: Optional[str] = None  # "cascade" | "restrict" | "set null" | None (no action)
    comment: Optional[str] = None
    enum: Optional[str] = None  # enum type name when the column is an enum


@dataclasses.dataclass
class Index:
    name: str
    keys: list  # list of (column, descending)
    unique: bool = False
    where: Optional[str] = None
    method: str = "btree"


@dataclasses.dataclass
class Constraint:
    name: str
    columns: list = dataclasses.field(default_factory=list)  # uniques
    expr: str = ""  # checks


@dataclasses.dataclass
class Table:
    name: str
    singular: str
    columns: list
    uniques: list
    checks: list
    indexes: list
    comment: Optional[str] = None

    def column(self, name: str) -> Optional[Column]:
        return next((c for c in self.columns if c.name == name), None)


@dataclasses.dataclass
class Enum:
    name: str
    column: str
    values: list
    extra: str


@dataclasses.dataclass
class Model:
    enums: list
    tables: list


def plural(word: str) -> str:
    if word.endswith("z"):
        return word + "zes"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


def check_ident(name: str) -> str:
    if len(name) > MAX_IDENT:
        raise SystemExit(f"gen_schema: internal error: identifier longer than 63: {name}")
    return name


class Generator:
    """Builds the model. All randomness comes from `rng`, so a seed fixes the output."""

    def __init__(self, seed: int, portable: bool, id_type: str):
        self.rng = random.Random(seed)
        self.portable = portable
        self.id_type = id_type
        self.model_enums: list = []

    def enums(self, tables: int) -> list:
        count = max(2, min(len(ENUMS) * 50, tables // 25))
        out = []
        for k in range(count):
            base, column, values, extra = ENUMS[k % len(ENUMS)]
            round_ = k // len(ENUMS)
            name = base if round_ == 0 else f"{base}_{round_ + 1}"
            out.append(Enum(name, column, list(values), extra))
        return out

    def table(self, index: int, earlier: list, enums: list) -> Table:
        rng = self.rng
        singular = rng.choice(NOUNS)
        name = check_ident(f"{plural(singular)}_{index + 1}")
        columns = [Column("id", self.id_type, identity="always")]
        target_columns = rng.randint(5, 20)

        # Foreign keys: one to three distinct earlier tables.
        fks: list = []
        if earlier:
            for target in rng.sample(earlier, min(len(earlier), rng.randint(1, 3))):
                col_name = f"{target.singular}_id"
                if any(c.name == col_name for c in columns):
                    col_name = f"{target.name}_id"
                nullable = rng.random() < 0.3
                action = rng.choice(["cascade", "cascade", "restrict", None] +
                                    (["set null"] if nullable else []))
                col = Column(check_ident(col_name), self.id_type, nullable=nullable,
                             ref_table=target.name, on_delete=action)
                columns.append(col)
                fks.append(col)

        # Enum columns, shared types.
        if enums and rng.random() < 0.6:
            enum = rng.choice(enums)
            if not any(c.name == enum.column for c in columns):
                columns.append(Column(enum.column, enum.name, default=enum.values[0],
                                      enum=enum.name))

        # Ordinary columns from the pool.
        specs = [s for s in POOL if not self.portable or s.portable is not None]
        wanted = max(0, target_columns - len(columns) - 2)
        chosen = rng.sample(specs, min(wanted, len(specs)))
        checks: list = []
        for spec in chosen:
            col = Column(spec.name, spec.portable if self.portable else spec.pg)
            col.nullable = rng.random() < spec.nullable
            default = spec.default if self.portable or spec.pg_default is None else spec.pg_default
            if default is not None and (col.nullable is False or rng.random() < 0.5):
                col.default = default
            if spec.comment and rng.random() < 0.4:
                col.comment = spec.comment
            if spec.check and rng.random() < 0.5:
                expr = spec.check.format(c=spec.name)
                if col.nullable and rng.random() < 0.5:
                    expr = f"{spec.name} IS NULL OR {expr}"
                checks.append(Constraint(check_ident(f"{name}_{spec.name}_check"), expr=expr))
            columns.append(col)

        # Timestamps last, as most schemas do.
        now = Sql("CURRENT_TIMESTAMP") if self.portable or rng.random() < 0.5 else Sql("now()")
        columns.append(Column("created_at", "timestamptz", default=now))
        if rng.random() < 0.6:
            columns.append(Column("updated_at", "timestamptz", default=now))
        if len(columns) < 5:
            columns.insert(len(columns) - 1,
                           Column("label", "varchar(120)", nullable=True,
                                  comment="Free-form label shown in lists"))

        starts = next((c for c in columns if c.name == "starts_on"), None)
        due = next((c for c in columns if c.name == "due_on"), None)
        if starts and due and rng.random() < 0.7:
            checks.append(Constraint(check_ident(f"{name}_dates_check"),
                                     expr="due_on IS NULL OR due_on >= starts_on"))

        # Unique constraints: a single column (default name) or a multi-column one.
        uniques: list = []
        candidates = [c for c in columns if c.name in {s.name for s in POOL if s.unique}]
        if candidates and rng.random() < 0.6:
            rng.choice(candidates).unique = True
        elif fks and rng.random() < 0.4:
            other = next((c for c in columns if c.name in ("name", "title", "code", "slug")),
                         None)
            if other is not None:
                cols = [fks[0].name, other.name]
                uniques.append(Constraint(check_ident(f"{name}_{'_'.join(cols)}_key"), cols))

        # Comments.
        comment = None
        if rng.random() < 0.3:
            templates = [x for x in TABLE_COMMENTS
                         if "deleted_at" not in x or any(c.name == "deleted_at" for c in columns)]
            comment = rng.choice(templates).format(
                Plural=plural(singular).replace("_", " ").capitalize(),
                plural=plural(singular).replace("_", " "), singular=singular.replace("_", " "))

        table = Table(name, singular, columns, uniques, checks, [], comment)
        for _ in range(rng.randint(1, 3)):
            self.add_index(table)
        return table

    def index_candidates(self, table: Table) -> list:
        """Index shapes that fit the table: (keys, where, method)."""
        cols = {c.name: c for c in table.columns}
        out = []
        for c in table.columns:
            if c.ref_table:
                out.append(([(c.name, False)], None, "btree"))
                if "created_at" in cols:
                    out.append(([(c.name, False), ("created_at", True)], None, "btree"))
        if "deleted_at" in cols:
            key = next((c.name for c in table.columns if c.ref_table), "created_at")
            out.append(([(key, False)], "deleted_at IS NULL", "btree"))
        if "is_active" in cols:
            fk = next((c.name for c in table.columns if c.ref_table), None)
            keys = [(fk, False), ("created_at", True)] if fk else [("created_at", True)]
            out.append((keys, "is_active", "btree"))
        for c in table.columns:
            if c.enum:
                enum_values = next(e.values for e in self.model_enums if e.name == c.enum)
                out.append(([("created_at", True)], f"{c.name} = '{enum_values[0]}'", "btree"))
                out.append(([(c.name, False), ("created_at", True)], None, "btree"))
        for name in ("expires_at", "due_on", "published_at", "last_seen_at", "email", "code"):
            if name in cols:
                where = f"{name} IS NOT NULL" if cols[name].nullable else None
                out.append(([(name, False)], where, "btree"))
        if not self.portable:
            for name in ("metadata", "tags"):
                if name in cols and cols[name].type in ("jsonb", "text[]"):
                    out.append(([(name, False)], None, "gin"))
        out.append(([("created_at", True)], None, "btree"))
        return out

    def add_index(self, table: Table, rng: Optional[random.Random] = None) -> bool:
        rng = rng or self.rng
        taken = {tuple(i.keys) + (i.where,) for i in table.indexes}
        options = [o for o in self.index_candidates(table)
                   if tuple(o[0]) + (o[1],) not in taken]
        if not options:
            return False
        keys, where, method = rng.choice(options)
        base = "_".join(k for k, _ in keys)
        suffix = "_partial_idx" if where else "_idx"
        name = f"{table.name}_{base}{suffix}"
        existing = {i.name for i in table.indexes}
        if len(name) > MAX_IDENT or name in existing:
            n = 1
            while f"{table.name}_idx{n}" in existing:
                n += 1
            name = f"{table.name}_idx{n}"
        table.indexes.append(Index(check_ident(name), list(keys), where=where, method=method))
        return True

    def build(self, tables: int) -> Model:
        enums = self.enums(tables)
        self.model_enums = enums
        out: list = []
        for i in range(tables):
            out.append(self.table(i, out, enums))
        return Model(enums, out)


CHANGE_KINDS = ["add_column", "add_index", "change_default", "drop_index", "add_table",
                "widen_varchar", "add_check", "add_enum_value", "change_comment"]


def apply_changes(gen: Generator, model: Model, pct: float, seed: int) -> list:
    """Rewrites about `pct` percent of the tables in place; returns one line per change."""
    rng = random.Random(seed * 7919 + 104729)
    count = round(len(model.tables) * pct / 100.0)
    if pct > 0 and count == 0:
        count = 1
    targets = rng.sample(range(len(model.tables)), min(count, len(model.tables)))
    log = []
    extended: set = set()
    for j, t in enumerate(targets):
        table = model.tables[t]
        start = j % len(CHANGE_KINDS)
        for kind in CHANGE_KINDS[start:] + CHANGE_KINDS[:start]:
            done = apply_change(gen, model, table, kind, rng, extended)
            if done:
                log.append(done)
                break
    return log


def apply_change(gen: Generator, model: Model, table: Table, kind: str,
                 rng: random.Random, extended: set) -> Optional[str]:
    if kind == "add_column":
        for name, pg_type, portable_type in EXTRA_COLUMNS:
            if table.column(name) is None and len(table.columns) < 21:
                table.columns.append(Column(name, portable_type if gen.portable else pg_type,
                                            nullable=True))
                return f"{table.name}: add nullable column {name}"
        return None
    if kind == "add_index":
        before = len(table.indexes)
        if gen.add_index(table, rng) and len(table.indexes) > before:
            return f"{table.name}: add index {table.indexes[-1].name}"
        return None
    if kind == "drop_index":
        if table.indexes:
            dropped = table.indexes.pop(rng.randrange(len(table.indexes)))
            return f"{table.name}: drop index {dropped.name}"
        return None
    if kind == "change_default":
        for c in table.columns:
            if c.default is None or isinstance(c.default, Sql) or c.identity:
                continue
            if c.enum:
                values = next(e.values for e in model.enums if e.name == c.enum)
                c.default = values[(values.index(c.default) + 1) % len(values)]
            elif isinstance(c.default, bool):
                c.default = not c.default
            elif isinstance(c.default, int):
                c.default = c.default + 1
            elif c.name == "currency":
                c.default = "EUR" if c.default != "EUR" else "USD"
            elif c.name == "locale":
                c.default = "en-GB" if c.default != "en-GB" else "en-US"
            else:
                continue
            return f"{table.name}: change default of {c.name}"
        return None
    if kind == "add_table":
        new = gen_table_with(gen, rng, len(model.tables), model)
        model.tables.append(new)
        return f"add table {new.name}"
    if kind == "widen_varchar":
        for c in table.columns:
            m = re.fullmatch(r"varchar\((\d+)\)", c.type)
            if m and not c.enum:
                c.type = f"varchar({int(m.group(1)) * 2})"
                return f"{table.name}: widen {c.name} to {c.type}"
        return None
    if kind == "add_check":
        for c in table.columns:
            name = check_ident(f"{table.name}_{c.name}_check")
            if c.type in ("integer", "smallint", "bigint") and not c.ref_table \
                    and not c.identity and all(k.name != name for k in table.checks):
                expr = f"{c.name} >= 0" if not c.nullable else f"{c.name} IS NULL OR {c.name} >= 0"
                table.checks.append(Constraint(name, expr=expr))
                return f"{table.name}: add check {name}"
        return None
    if kind == "add_enum_value":
        for c in table.columns:
            if c.enum and c.enum not in extended:
                enum = next(e for e in model.enums if e.name == c.enum)
                enum.values.append(enum.extra)
                extended.add(c.enum)
                return f"enum {enum.name}: add value {enum.extra}"
        return None
    if kind == "change_comment":
        table.comment = f"{plural(table.singular).replace('_', ' ').capitalize()} (reviewed)"
        return f"{table.name}: change comment"
    raise AssertionError(kind)


def gen_table_with(gen: Generator, rng: random.Random, index: int, model: Model) -> Table:
    """A new table built with the change RNG, so the base tables stay byte-identical."""
    saved = gen.rng
    gen.rng = rng
    try:
        return gen.table(index, model.tables, model.enums)
    finally:
        gen.rng = saved


# ---------------------------------------------------------------------------------------------
# TOML


def toml_str(s: str) -> str:
    out = []
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_key(k: str) -> str:
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else toml_str(k)


def toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return toml_str(v)
    if isinstance(v, Sql):
        return "{ sql = " + toml_str(v.expr) + " }"
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{toml_key(k)} = {toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(type(v))


def toml_key_str(keys: list) -> list:
    return [k + (" DESC" if desc else "") for k, desc in keys]


def toml_table(t: Table) -> str:
    key = toml_key(t.name)
    lines = [f"[tables.{key}]"]
    if t.comment:
        lines.append(f"comment = {toml_str(t.comment)}")
    lines.append('primary_key = ["id"]')
    lines.append("")
    lines.append(f"[tables.{key}.columns]")
    for c in t.columns:
        attrs: dict = {"type": c.type}
        if c.identity:
            attrs["identity"] = c.identity
        if c.nullable:
            attrs["nullable"] = True
        if c.default is not None:
            attrs["default"] = c.default
        if c.unique:
            attrs["unique"] = True
        if c.ref_table:
            ref: dict = {"table": c.ref_table}
            if c.on_delete:
                ref["on_delete"] = c.on_delete
            attrs["references"] = ref
        if c.comment:
            attrs["comment"] = c.comment
        lines.append(f"{toml_key(c.name)} = {toml_value(attrs)}")
    for u in t.uniques:
        lines += ["", f"[[tables.{key}.uniques]]", f"name = {toml_str(u.name)}",
                  f"columns = {toml_value(u.columns)}"]
    for k in t.checks:
        lines += ["", f"[[tables.{key}.checks]]", f"name = {toml_str(k.name)}",
                  f"expr = {toml_str(k.expr)}"]
    for i in t.indexes:
        lines += ["", f"[[tables.{key}.indexes]]", f"name = {toml_str(i.name)}",
                  f"columns = {toml_value(toml_key_str(i.keys))}"]
        if i.unique:
            lines.append("unique = true")
        if i.method != "btree":
            lines.append(f"method = {toml_str(i.method)}")
        if i.where:
            lines.append(f"where = {toml_str(i.where)}")
    return "\n".join(lines) + "\n"


def toml_header(model: Model, banner: str) -> str:
    lines = [banner, "", "[settings]", 'schema = "public"']
    for e in model.enums:
        lines += ["", f"[enums.{toml_key(e.name)}]", f"values = {toml_value(e.values)}"]
    return "\n".join(lines) + "\n"


def write_toml(model: Model, banner: str) -> str:
    return toml_header(model, banner) + "".join("\n" + toml_table(t) for t in model.tables)


# ---------------------------------------------------------------------------------------------
# SQL


def qi(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def ql(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def sql_default(v: Default, sqlite: bool) -> str:
    if isinstance(v, Sql):
        return v.expr if re.fullmatch(r"[A-Za-z_]+", v.expr) or not sqlite else f"({v.expr})"
    if isinstance(v, bool):
        return "true" if v else "false"  # SQLite 3.23+ reads TRUE and FALSE as 1 and 0
    if isinstance(v, (int, float)):
        return repr(v)
    return ql(v)


def sql_table(t: Table, model: Model, sqlite: bool) -> list:
    enums = {e.name: e for e in model.enums}
    parts = []
    for c in t.columns:
        if c.identity and sqlite:
            # keel's SQLite identity: the rowid alias (spelled exactly "integer"), with
            # AUTOINCREMENT so that ids are never reused.
            parts.append(f"  {qi(c.name)} integer PRIMARY KEY AUTOINCREMENT")
            continue
        type_ = "text" if (sqlite and c.enum) else c.type
        s = f"  {qi(c.name)} {type_}"
        if c.identity:
            s += f" GENERATED {c.identity.upper()} AS IDENTITY PRIMARY KEY"
        elif not c.nullable:
            s += " NOT NULL"
        if c.default is not None:
            s += f" DEFAULT {sql_default(c.default, sqlite)}"
        if c.unique:
            s += " UNIQUE"
        if c.ref_table:
            s += f" REFERENCES {qi(c.ref_table)} (\"id\")"
            if c.on_delete:
                s += f" ON DELETE {c.on_delete.upper()}"
        parts.append(s)
    for u in t.uniques:
        parts.append(f"  CONSTRAINT {qi(u.name)} UNIQUE ({', '.join(qi(c) for c in u.columns)})")
    for k in t.checks:
        parts.append(f"  CONSTRAINT {qi(k.name)} CHECK ({k.expr})")
    if sqlite:
        # keel's SQLite form of an enum column: text, and a check named <table>_<column>_enum.
        for c in t.columns:
            if c.enum:
                values = ", ".join(ql(v) for v in enums[c.enum].values)
                name = check_ident(f"{t.name}_{c.name}_enum")
                parts.append(f"  CONSTRAINT {qi(name)} CHECK ({qi(c.name)} IN ({values}))")
    out = [f"CREATE TABLE {qi(t.name)} (\n" + ",\n".join(parts) + "\n);"]
    for i in t.indexes:
        keys = ", ".join(qi(k) + (" DESC" if d else "") for k, d in i.keys)
        using = f" USING {i.method}" if i.method != "btree" else ""
        where = f" WHERE {i.where}" if i.where else ""
        unique = "UNIQUE " if i.unique else ""
        out.append(f"CREATE {unique}INDEX {qi(i.name)} ON {qi(t.name)}{using} ({keys}){where};")
    if not sqlite:
        if t.comment:
            out.append(f"COMMENT ON TABLE {qi(t.name)} IS {ql(t.comment)};")
        for c in t.columns:
            if c.comment:
                out.append(f"COMMENT ON COLUMN {qi(t.name)}.{qi(c.name)} IS {ql(c.comment)};")
    return out


def sql_header(model: Model, banner: str, sqlite: bool) -> list:
    out = ["-- " + banner.lstrip("# ")]
    if not sqlite:
        for e in model.enums:
            values = ", ".join(ql(v) for v in e.values)
            out.append(f"CREATE TYPE {qi(e.name)} AS ENUM ({values});")
    return out


def write_sql(model: Model, banner: str, sqlite: bool) -> str:
    out = sql_header(model, banner, sqlite)
    for t in model.tables:
        out += sql_table(t, model, sqlite)
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------


def write_split(model: Model, banner: str, fmt: str, out_dir: str, per_file: int) -> None:
    """Writes a directory: 00_settings (settings, enums) then tables_NNNNN files in order."""
    os.makedirs(out_dir, exist_ok=True)
    for old in os.listdir(out_dir):
        if re.fullmatch(r"(00_settings|tables_\d+)\.(toml|sql)", old):
            os.remove(os.path.join(out_dir, old))
    ext = "toml" if fmt == "toml" else "sql"
    sqlite = fmt == "sqlite-sql"
    if fmt == "toml":
        head = toml_header(model, banner)
    else:
        head = "\n".join(sql_header(model, banner, sqlite)) + "\n"
    with open(os.path.join(out_dir, f"00_settings.{ext}"), "w", encoding="utf-8") as f:
        f.write(head)
    for n, start in enumerate(range(0, len(model.tables), per_file)):
        chunk = model.tables[start:start + per_file]
        if fmt == "toml":
            text = "".join(("\n" if k else "") + toml_table(t) for k, t in enumerate(chunk))
        else:
            text = "\n".join(s for t in chunk for s in sql_table(t, model, sqlite)) + "\n"
        with open(os.path.join(out_dir, f"tables_{n + 1:05d}.{ext}"), "w",
                  encoding="utf-8") as f:
            f.write(text)


def main(argv: list) -> int:
    p = argparse.ArgumentParser(
        prog="gen_schema.py",
        description="Generate a seeded, deterministic benchmark schema as keel TOML or SQL.")
    p.add_argument("--tables", type=int, required=True, metavar="N", help="number of tables")
    p.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (default 1)")
    p.add_argument("--format", choices=["toml", "pg-sql", "sqlite-sql"], default="toml",
                   help="output format (default toml)")
    p.add_argument("--changed", type=float, default=0.0, metavar="PCT",
                   help="change PCT percent of the tables (default 0: the base schema)")
    p.add_argument("--portable", action="store_true",
                   help="only types and defaults SQLite accepts too (implied by --format "
                        "sqlite-sql)")
    p.add_argument("--id-type", default="bigint", choices=["bigint", "integer"],
                   help="type of id and foreign-key columns (default bigint)")
    p.add_argument("--split", action="store_true",
                   help="write a directory: 00_settings.* and tables_NNNNN.* files")
    p.add_argument("--per-file", type=int, default=100, metavar="K",
                   help="tables per file with --split (default 100)")
    p.add_argument("--log-changes", metavar="FILE",
                   help="with --changed, write one line per change to FILE")
    p.add_argument("-o", "--output", default="-", metavar="OUT",
                   help="output file, or directory with --split (default: stdout)")
    args = p.parse_args(argv)

    if args.tables < 1:
        p.error("--tables must be at least 1")
    if not 0 <= args.changed <= 100:
        p.error("--changed must be between 0 and 100")
    if args.per_file < 1:
        p.error("--per-file must be at least 1")
    if args.split and args.output == "-":
        p.error("--split needs -o DIRECTORY")
    portable = args.portable or args.format == "sqlite-sql"

    gen = Generator(args.seed, portable, args.id_type)
    model = gen.build(args.tables)
    changes = apply_changes(gen, model, args.changed, args.seed) if args.changed else []

    flags = f"--tables {args.tables} --seed {args.seed}"
    if args.changed:
        flags += f" --changed {args.changed:g}"
    if portable:
        flags += " --portable"
    if args.id_type != "bigint":
        flags += f" --id-type {args.id_type}"
    banner = f"# generated by bench/gen_schema.py {flags}; do not edit"

    if args.log_changes:
        with open(args.log_changes, "w", encoding="utf-8") as f:
            f.write("".join(line + "\n" for line in changes))

    if args.split:
        write_split(model, banner, args.format, args.output, args.per_file)
        return 0
    if args.format == "toml":
        text = write_toml(model, banner)
    else:
        text = write_sql(model, banner, args.format == "sqlite-sql")
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
