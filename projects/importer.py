"""Import of AidData Global Chinese Development Finance 3.0 records.

Reads CSV or XLSX, validates every row first, then writes in bulk: one query
per batch, organisations found or created once. Nothing is written when any
row is bad unless ``skip_invalid``; nothing at all on ``dry_run``.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.models import Country, Desk, DeskRegion, Organization

from .models import Project, ProjectOrganization, Sector
from .services import organization_key, organizations_find_or_create

BATCH = 500

# Canonical column keys and their published AidData headers.
COLUMNS = {
    "id": "AidData Record ID",
    "title": "Title",
    "status": "Status",
    "iso3": "Recipient ISO-3",
    "description": "Description",
    "sector": "Sector Name",
    "amount": "Amount (Original Currency)",
    "currency": "Original Currency",
    "amount_usd": "Amount (Constant USD 2021)",
    "committed_on": "Commitment Date (MM/DD/YYYY)",
    "planned_start": "Planned Implementation Start Date (MM/DD/YYYY)",
    "actual_start": "Actual Implementation Start Date (MM/DD/YYYY)",
    "planned_completion": "Planned Completion Date (MM/DD/YYYY)",
    "actual_completion": "Actual Completion Date (MM/DD/YYYY)",
    "funding": "Funding Agencies",
    "funding_type": "Funding Agencies Type",
    "cofinancing": "Co-financing Agencies",
    "cofinancing_type": "Co-financing Agencies Type",
    "implementing": "Implementing Agencies",
    "implementing_type": "Implementing Agencies Type",
    "receiving": "Direct Receiving Agencies",
    "receiving_type": "Direct Receiving Agencies Type",
}
REQUIRED = ("id", "title", "status", "iso3")
DATE_KEYS = (
    "committed_on",
    "planned_start",
    "actual_start",
    "planned_completion",
    "actual_completion",
)
# (names column, types column, role)
AGENCIES = (
    ("funding", "funding_type", ProjectOrganization.Role.FINANCIER),
    ("cofinancing", "cofinancing_type", ProjectOrganization.Role.FINANCIER),
    ("implementing", "implementing_type", ProjectOrganization.Role.IMPLEMENTING),
    ("receiving", "receiving_type", ProjectOrganization.Role.RECEIVING),
)

STATUSES = {
    "pipeline: pledge": Project.Status.PIPELINE,
    "pipeline: commitment": Project.Status.PIPELINE,
    "implementation": Project.Status.IMPLEMENTATION,
    "completion": Project.Status.COMPLETED,
    "suspended": Project.Status.SUSPENDED,
    "cancelled": Project.Status.CANCELLED,
    "canceled": Project.Status.CANCELLED,
}

SECTORS = {
    "education": Sector.EDUCATION,
    "health": Sector.HEALTH,
    "population policies/programmes and reproductive health": Sector.POPULATION,
    "water supply and sanitation": Sector.WATER,
    "government and civil society": Sector.GOVERNMENT,
    "other social infrastructure and services": Sector.SOCIAL,
    "transport and storage": Sector.TRANSPORT,
    "communications": Sector.COMMUNICATIONS,
    "energy": Sector.ENERGY,
    "banking and financial services": Sector.BANKING,
    "business and other services": Sector.BUSINESS,
    "agriculture, forestry, fishing": Sector.AGRICULTURE,
    "industry, mining, construction": Sector.INDUSTRY,
    "trade policies and regulations": Sector.TRADE,
    "general environmental protection": Sector.ENVIRONMENT,
    "other multisector": Sector.MULTISECTOR,
    "general budget support": Sector.BUDGET_SUPPORT,
    "developmental food aid/food security assistance": Sector.FOOD_AID,
    "non-food commodity assistance": Sector.COMMODITY_AID,
    "action relating to debt": Sector.DEBT,
    "emergency response": Sector.EMERGENCY,
    "reconstruction relief and rehabilitation": Sector.RECONSTRUCTION,
    "disaster prevention and preparedness": Sector.DISASTER_PREVENTION,
    "support to non-governmental organizations (ngos) and government "
    "organizations": Sector.NGO_SUPPORT,
    "support to ngos": Sector.NGO_SUPPORT,
    "unallocated/unspecified": Sector.UNSPECIFIED,
}

# Fields an import sets; a re-import updates these and nothing else (desk,
# officer, flagship and status belong to the tracker once a project exists).
IMPORTED_FIELDS = (
    "name_en",
    "description",
    "country_id",
    "sector",
    "amount",
    "currency",
    "amount_usd",
    *DATE_KEYS,
)
# The column each imported field comes from: a field whose column is absent
# from the file is left as it is on re-import.
SOURCE = {
    "name_en": "title",
    "description": "description",
    "country_id": "iso3",
    "sector": "sector",
    "amount": "amount",
    "currency": "currency",
    "amount_usd": "amount_usd",
    **{key: key for key in DATE_KEYS},
}
CURRENCY = re.compile(r"^[A-Z]{3}$")


def _norm(header: Any) -> str:
    text = str(header or "").replace("\ufeff", "").strip().casefold()
    text = re.sub(r"\(mm/dd/yyyy\)", "", text)
    return re.sub(r"\s+", " ", text).strip()


HEADER_KEYS = {_norm(header): key for key, header in COLUMNS.items()}


@dataclass
class RowError:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return _("row %(row)s, column “%(column)s”: %(reason)s") % {
            "row": self.row,
            "column": self.column,
            "reason": self.reason,
        }


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    saved: bool = False
    seconds: float = 0.0
    # (row number, AidData id, action, title) for what was or would be done
    actions: list[tuple[int, int, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        values = {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
        }
        if self.dry_run:
            text = _(
                "Dry run, nothing saved. %(rows)s rows: would create %(created)s, "
                "update %(updated)s, leave %(unchanged)s unchanged, skip %(skipped)s."
            )
        elif self.saved:
            text = _(
                "%(rows)s rows: created %(created)s, updated %(updated)s, "
                "unchanged %(unchanged)s, skipped %(skipped)s."
            )
        else:
            text = _(
                "Nothing saved: %(rows)s rows, %(errors)s errors. Fix the file or "
                "skip the invalid rows."
            )
            values["errors"] = len(self.errors)
        return text % values


class FileError(Exception):
    """The file as a whole cannot be read."""


@dataclass
class ParsedRow:
    row: int
    record_id: int
    values: dict[str, Any]
    status: str
    desk: Desk | None
    agencies: list[tuple[str, str, str, Country | None]]  # name, kind, role, country


# Reading -----------------------------------------------------------------


def read_table(data: bytes, filename: str = "") -> Iterator[tuple[int, list[Any]]]:
    """(row number, cells) for each row of a CSV or XLSX file, header first."""
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise FileError(_("The file is not a valid XLSX workbook."))
    if b"\x00" in data[:4096]:
        raise FileError(_("The file is neither CSV nor XLSX."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileError(_("The file is neither CSV (UTF-8) nor XLSX.")) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    return ((number, cells) for number, cells in enumerate(reader, start=1))


def _read_xlsx(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken zip
        raise FileError(_("The file is not a valid XLSX workbook.")) from exc
    sheet = workbook.worksheets[0]

    def rows() -> Iterator[tuple[int, list[Any]]]:
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(cells)
        workbook.close()

    return rows()


# Validation ----------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse_date(value: Any) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007
        except ValueError:
            continue
    raise ValueError(_("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": text})


def _parse_decimal(value: Any) -> Decimal | None:
    text = _text(value).replace(",", "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(
            _("“%(value)s” is not a number.") % {"value": text[:40]}
        ) from None
    if not number.is_finite() or number < 0:
        raise ValueError(_("“%(value)s” is not an amount.") % {"value": text[:40]})
    if abs(number) >= Decimal(10) ** 18:
        raise ValueError(_("The amount is too large."))
    return number.quantize(Decimal("0.01"))


def _organization_kind(agency_type: str, role_column: str) -> str:
    kind = agency_type.casefold()
    if "intergovernmental" in kind or "multilateral" in kind:
        return Organization.Kind.INTERNATIONAL
    if "bank" in kind:
        return Organization.Kind.BANK
    if "government agency" in kind:
        chinese = kind.startswith("chinese") or role_column == "funding"
        return (
            Organization.Kind.CHINESE_AGENCY
            if chinese
            else Organization.Kind.FOREIGN_GOVERNMENT
        )
    if any(word in kind for word in ("company", "private", "joint venture")):
        return Organization.Kind.COMPANY
    return Organization.Kind.OTHER


def _organization_country(
    agency_type: str, role_column: str, recipient: Country | None, china: Country | None
) -> Country | None:
    kind = agency_type.casefold()
    if kind.startswith("recipient"):
        return recipient
    if kind.startswith("chinese") or role_column == "funding":
        return china
    return None


class _Validator:
    def __init__(self, *, desk: Desk | None) -> None:
        self.countries = Country.objects.in_bulk()
        self.desk = desk
        self.desk_by_region = {
            item.region: item.desk for item in DeskRegion.objects.select_related("desk")
        }
        self.seen: dict[int, int] = {}

    def header(self, cells: list[Any]) -> dict[str, int]:
        index: dict[str, int] = {}
        for position, header in enumerate(cells):
            key = HEADER_KEYS.get(_norm(header))
            if key and key not in index:
                index[key] = position
        missing = [COLUMNS[key] for key in REQUIRED if key not in index]
        if missing:
            raise FileError(
                _("Required columns are missing: %(columns)s.")
                % {"columns": ", ".join(missing)}
            )
        return index

    def row(
        self, number: int, cells: dict[str, Any], errors: list[RowError]
    ) -> ParsedRow | None:
        before = len(errors)

        def error(key: str, reason: str) -> None:
            errors.append(RowError(number, COLUMNS[key], reason))

        record_id = None
        raw_id = _text(cells.get("id"))
        if not raw_id:
            error("id", _("The record ID is missing."))
        else:
            try:
                record_id = int(Decimal(raw_id))
                if record_id <= 0 or Decimal(raw_id) != record_id:
                    raise ValueError
            except (InvalidOperation, ValueError):
                error("id", _("“%(value)s” is not a record ID.") % {"value": raw_id})
                record_id = None
        if record_id is not None:
            if record_id in self.seen:
                error(
                    "id",
                    _("Record %(id)s already appears in row %(row)s.")
                    % {"id": record_id, "row": self.seen[record_id]},
                )
            else:
                self.seen[record_id] = number

        title = _text(cells.get("title"))
        if not title:
            error("title", _("The title is missing."))
        elif len(title) > 500:
            error("title", _("The title is longer than 500 characters."))

        raw_status = _text(cells.get("status"))
        status = STATUSES.get(raw_status.casefold())
        if status is None:
            error(
                "status",
                _("Unknown status “%(value)s”.") % {"value": raw_status[:60]}
                if raw_status
                else _("The status is missing."),
            )

        code = _text(cells.get("iso3")).upper()
        country = self.countries.get(code) if code else None
        desk = self.desk
        if not code:
            error("iso3", _("The recipient ISO-3 code is missing."))
        elif country is None:
            error("iso3", _("Unknown country code “%(code)s”.") % {"code": code[:10]})
        elif desk is None:
            desk = self.desk_by_region.get(country.region)
            if desk is None:
                error(
                    "iso3",
                    _("No desk covers the region “%(region)s”; choose a desk.")
                    % {"region": country.get_region_display()},
                )

        values: dict[str, Any] = {
            "name_en": title,
            "description": _text(cells.get("description")),
            "country_id": country.pk if country else None,
            "sector": SECTORS.get(
                _text(cells.get("sector")).casefold(), Sector.UNSPECIFIED
            ),
        }
        for key in ("amount", "amount_usd"):
            try:
                values[key] = _parse_decimal(cells.get(key))
            except ValueError as exc:
                error(key, str(exc))
        currency = _text(cells.get("currency")).upper()
        if currency and not CURRENCY.match(currency):
            error(
                "currency",
                _("“%(value)s” is not an ISO 4217 currency code.")
                % {"value": currency[:20]},
            )
        values["currency"] = currency
        for key in DATE_KEYS:
            try:
                values[key] = _parse_date(cells.get(key))
            except ValueError as exc:
                error(key, str(exc))

        agencies = []
        china = self.countries.get("CHN")
        for names_key, types_key, role in AGENCIES:
            names = _text(cells.get(names_key)).split("|")
            types = _text(cells.get(types_key)).split("|")
            for position, name in enumerate(names):
                name = " ".join(name.split())
                if not name:
                    continue
                if len(name) > 300:
                    error(names_key, _("An organisation name is too long."))
                    continue
                agency_type = types[position] if position < len(types) else ""
                agencies.append(
                    (
                        name,
                        _organization_kind(agency_type, names_key),
                        role,
                        _organization_country(agency_type, names_key, country, china),
                    )
                )
        if len(errors) > before:
            return None
        return ParsedRow(number, record_id, values, status, desk, agencies)


def validate(
    data: bytes, *, filename: str = "", desk: Desk | None = None
) -> tuple[list[ParsedRow], list[RowError], int, set[str]]:
    """Parse every row: the good rows, the errors, the row count and the
    columns present."""
    errors: list[RowError] = []
    try:
        rows = read_table(data, filename)
        validator = _Validator(desk=desk)
        index: dict[str, int] | None = None
        parsed: list[ParsedRow] = []
        count = 0
        for number, cells in rows:
            if not any(_text(cell) for cell in cells):
                continue
            if index is None:
                index = validator.header(cells)
                continue
            count += 1
            mapped = {
                key: cells[position] if position < len(cells) else None
                for key, position in index.items()
            }
            row = validator.row(number, mapped, errors)
            if row is not None:
                parsed.append(row)
        if index is None:
            raise FileError(_("The file is empty."))
    except FileError as exc:
        return [], [RowError(1, _("(file)"), str(exc))], 0, set()
    except csv.Error as exc:
        reason = _("Not a readable CSV file: %s") % exc
        return [], [RowError(1, _("(file)"), reason)], 0, set()
    return parsed, errors, count, set(index)


# Writing -------------------------------------------------------------------


def import_aiddata(
    data: bytes,
    *,
    filename: str = "",
    dry_run: bool = False,
    skip_invalid: bool = False,
    desk: Desk | None = None,
) -> ImportReport:
    """Validate the whole file, then create or update projects by record ID.

    Saves nothing when any row is bad (unless ``skip_invalid``, which imports
    the good rows and counts the bad as skipped) or on ``dry_run``.
    """
    started = timezone.now()
    parsed, errors, count, present = validate(data, filename=filename, desk=desk)
    fields = [name for name in IMPORTED_FIELDS if SOURCE[name] in present]
    report = ImportReport(rows=count, errors=errors, dry_run=dry_run)
    report.skipped = len({e.row for e in errors}) if count else 0
    existing = _existing(row.record_id for row in parsed)
    to_create, to_update = [], []
    for row in parsed:
        project = existing.get(row.record_id)
        if project is None:
            to_create.append(row)
            report.actions.append(
                (row.row, row.record_id, "create", row.values["name_en"])
            )
        elif _changed(project, row, fields):
            to_update.append((project, row))
            report.actions.append(
                (row.row, row.record_id, "update", row.values["name_en"])
            )
        else:
            report.unchanged += 1
    report.created, report.updated = len(to_create), len(to_update)
    if errors and not skip_invalid and not dry_run:
        report.created = report.updated = report.unchanged = 0
    if dry_run or (errors and not skip_invalid):
        report.seconds = (timezone.now() - started).total_seconds()
        return report
    with transaction.atomic():
        _write(to_create, to_update, parsed, fields)
    report.saved = True
    report.seconds = (timezone.now() - started).total_seconds()
    return report


def _existing(record_ids: Iterator[int]) -> dict[int, Project]:
    ids = list(record_ids)
    found: dict[int, Project] = {}
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        for project in Project.objects.filter(aiddata_record_id__in=chunk).only(
            "id", "aiddata_record_id", "status", *IMPORTED_FIELDS
        ):
            found[project.aiddata_record_id] = project
    return found


def _changed(project: Project, row: ParsedRow, fields: list[str]) -> bool:
    return any(getattr(project, name) != row.values[name] for name in fields)


def _write(
    to_create: list[ParsedRow],
    to_update: list[tuple[Project, ParsedRow]],
    parsed: list[ParsedRow],
    fields: list[str],
) -> None:
    new = [
        Project(
            aiddata_record_id=row.record_id,
            desk=row.desk,
            status=row.status,
            **row.values,
        )
        for row in to_create
    ]
    Project.objects.bulk_create(new, batch_size=BATCH)
    now = timezone.now()
    changed = []
    for project, row in to_update:
        for name in fields:
            setattr(project, name, row.values[name])
        project.updated_at = now
        changed.append(project)
    Project.objects.bulk_update(changed, [*fields, "updated_at"], batch_size=BATCH)

    organizations = organizations_find_or_create(
        names=(
            (name, kind, country)
            for row in parsed
            for name, kind, _role, country in row.agencies
        )
    )
    ids = _existing(row.record_id for row in parsed)
    links = [
        ProjectOrganization(
            project_id=ids[row.record_id].pk,
            organization=organizations[organization_key(name)],
            role=role,
        )
        for row in parsed
        for name, _kind, role, _country in row.agencies
        if organization_key(name) in organizations
    ]
    ProjectOrganization.objects.bulk_create(
        links, batch_size=BATCH, ignore_conflicts=True
    )
