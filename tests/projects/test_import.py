import csv
import io
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from projects.importer import import_aiddata
from projects.models import Project, ProjectOrganization
from tests.factories import DeskFactory, OrganizationFactory
from tracker.models import DeskRegion, Organization, Region

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[2] / "projects" / "data" / "aiddata"
MALAYSIA = DATA / "gcdf3_malaysia_projects.csv"
PORTS = DATA / "gcdf3_ports_projects.csv"
SUBSET = DATA / "gcdf3_projects_subset.csv"

HEADER = [
    "AidData Record ID",
    "Title",
    "Status",
    "Recipient ISO-3",
    "Sector Name",
    "Amount (Original Currency)",
    "Original Currency",
    "Commitment Date (MM/DD/YYYY)",
    "Funding Agencies",
    "Funding Agencies Type",
    "Implementing Agencies",
    "Implementing Agencies Type",
]


def _desk(code, *regions):
    desk = DeskFactory(code=code)
    for region in regions:
        DeskRegion.objects.create(desk=desk, region=region)
    return desk


@pytest.fixture
def desks(db):
    return {
        region: _desk(region, region)
        for region in (Region.ASIA, Region.AFRICA, Region.AMERICAS, Region.OCEANIA)
    }


def _csv(rows, header=HEADER, bom=False, crlf=False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = out.getvalue().encode()
    return (b"\xef\xbb\xbf" + data) if bom else data


GOOD = [
    "101",
    "Port expansion",
    "Implementation",
    "KEN",
    "TRANSPORT AND STORAGE",
    "1000000.0",
    "USD",
    "2019-05-01",
    "Export-Import Bank of China (China Eximbank)",
    "State-owned Policy Bank",
    "China Harbour Engineering Co., Ltd.|Kenya Ports Authority",
    "Chinese State-owned Company|Recipient Government Agency",
]


def test_it_imports_the_real_sample_files(desks):
    report = import_aiddata(MALAYSIA.read_bytes(), filename=MALAYSIA.name)
    assert report.ok and report.saved
    assert (report.rows, report.created, report.updated) == (176, 176, 0)
    assert Project.objects.filter(country_id="MYS", desk=desks["asia"]).count() == 176
    statuses = set(Project.objects.values_list("status", flat=True))
    assert statuses == {"completed", "pipeline", "implementation", "cancelled"}
    record = Project.objects.get(aiddata_record_id=96203)
    assert record.sector == "banking"
    assert record.currency == "CNY" or record.currency
    assert record.committed_on.isoformat() == "2021-01-01"
    roles = ProjectOrganization.objects.filter(project=record)
    assert {r.role for r in roles} >= {"financier", "implementing"}

    report = import_aiddata(PORTS.read_bytes(), filename=PORTS.name)
    assert (report.created, report.updated) == (20, 0)


def test_it_reimports_without_duplicates(desks):
    import_aiddata(PORTS.read_bytes())
    projects, links, organizations = (
        Project.objects.count(),
        ProjectOrganization.objects.count(),
        Organization.objects.count(),
    )
    report = import_aiddata(PORTS.read_bytes())
    assert (report.created, report.updated, report.unchanged) == (0, 0, 20)
    assert Project.objects.count() == projects
    assert ProjectOrganization.objects.count() == links
    assert Organization.objects.count() == organizations


def test_it_finds_organisations_whatever_their_case_and_spacing(desks):
    existing = OrganizationFactory(
        name_en="Kenya Ports Authority", kind=Organization.Kind.FOREIGN_GOVERNMENT
    )
    second, third = list(GOOD), list(GOOD)
    second[0], second[8] = "102", "EXPORT-IMPORT BANK OF  China (China Eximbank)"
    second[10] = " kenya  PORTS authority|China Harbour Engineering Co.,Ltd."
    third[0], third[8] = "103", "export-import bank of china (china eximbank) "
    third[10] = "KENYA PORTS AUTHORITY|china harbour engineering co., ltd."
    report = import_aiddata(_csv([GOOD, second, third]))
    assert report.saved
    assert Organization.objects.count() == 3
    assert Organization.objects.get(name_en__iexact="kenya ports authority") == (
        existing
    )
    for project in Project.objects.all():
        assert project.organizations.count() == 3, project.aiddata_record_id
    assert set(Organization.objects.values_list("name_en", flat=True)) == {
        "Kenya Ports Authority",
        "Export-Import Bank of China (China Eximbank)",
        "China Harbour Engineering Co., Ltd.",
    }


def test_it_assigns_projects_to_the_desk_covering_their_region(db):
    americas = _desk("americas", Region.AMERICAS, Region.OCEANIA)
    rows = []
    for record_id, code in ((201, "ECU"), (202, "FJI"), (203, "PNG")):
        row = list(GOOD)
        row[0], row[3] = str(record_id), code
        rows.append(row)
    report = import_aiddata(_csv(rows))
    assert report.saved, report.errors
    assert set(Project.objects.values_list("desk", flat=True)) == {americas.pk}


def test_it_updates_changed_records_by_record_id(desks):
    import_aiddata(_csv([GOOD]))
    changed = list(GOOD)
    changed[1] = "Port expansion, phase 2"
    report = import_aiddata(_csv([changed]))
    assert (report.created, report.updated) == (0, 1)
    assert Project.objects.get().name_en == "Port expansion, phase 2"


def test_it_finds_organisations_once_and_reuses_existing_ones(desks):
    existing = OrganizationFactory(
        name_en="Kenya Ports Authority", kind=Organization.Kind.FOREIGN_GOVERNMENT
    )
    second = list(GOOD)
    second[0] = "102"
    import_aiddata(_csv([GOOD, second]))
    assert Organization.objects.filter(name_en="Kenya Ports Authority").get() == (
        existing
    )
    eximbank = Organization.objects.get(
        name_en="Export-Import Bank of China (China Eximbank)"
    )
    assert eximbank.kind == Organization.Kind.BANK
    assert eximbank.country_id == "CHN"
    assert ProjectOrganization.objects.filter(organization=eximbank).count() == 2


def test_it_rejects_regional_records_and_imports_the_rest_when_asked(desks):
    report = import_aiddata(SUBSET.read_bytes())
    assert not report.saved
    assert Project.objects.count() == 0
    missing = [e for e in report.errors if "missing" in e.reason]
    assert len(missing) == 4
    assert {e.column for e in missing} == {"Recipient ISO-3"}
    report = import_aiddata(SUBSET.read_bytes(), skip_invalid=True)
    assert report.saved
    assert (report.created, report.skipped) == (1978, 4)
    assert Project.objects.count() == 1978


def test_it_tolerates_bom_crlf_column_order_and_extra_columns(desks):
    header = ["Extra", *reversed(HEADER)]
    row = ["ignored", *reversed(GOOD)]
    blank = list(row)
    blank[header.index("Commitment Date (MM/DD/YYYY)")] = ""
    blank[header.index("AidData Record ID")] = "103"
    blank[header.index("Sector Name")] = ""
    report = import_aiddata(_csv([row, blank], header=header, bom=True, crlf=True))
    assert report.ok, report.errors
    assert report.created == 2
    project = Project.objects.get(aiddata_record_id=103)
    assert project.committed_on is None
    assert project.sector == "unspecified"
    assert project.desk == desks["africa"]


def test_it_reads_xlsx(desks):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    row = list(GOOD)
    row[0] = 104
    sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    report = import_aiddata(out.getvalue(), filename="records.xlsx")
    assert report.ok and report.created == 1
    assert Project.objects.get().aiddata_record_id == 104


def test_it_reports_bad_rows_with_row_column_and_reason(desks):
    bad_date = list(GOOD)
    bad_date[0], bad_date[7] = "105", "31/31/2019"
    bad_country = list(GOOD)
    bad_country[0], bad_country[3] = "106", "XYZ"
    bad_status = list(GOOD)
    bad_status[0], bad_status[2] = "107", "Abandoned"
    report = import_aiddata(_csv([GOOD, bad_date, bad_country, bad_status]))
    found = {(e.row, e.column) for e in report.errors}
    assert found == {
        (3, "Commitment Date (MM/DD/YYYY)"),
        (4, "Recipient ISO-3"),
        (5, "Status"),
    }
    assert "31/31/2019" in str(report.errors[0])
    assert "XYZ" in report.errors[1].reason
    assert not report.saved
    assert Project.objects.count() == 0
    assert Organization.objects.count() == 0


def test_it_skips_invalid_rows_when_asked(desks):
    bad = list(GOOD)
    bad[0], bad[3] = "108", "XYZ"
    report = import_aiddata(_csv([GOOD, bad]), skip_invalid=True)
    assert report.saved
    assert (report.created, report.skipped) == (1, 1)
    assert list(Project.objects.values_list("aiddata_record_id", flat=True)) == [101]


def test_it_reports_a_missing_required_column(desks):
    header = [h for h in HEADER if h != "Status"]
    row = [v for h, v in zip(HEADER, GOOD, strict=True) if h != "Status"]
    report = import_aiddata(_csv([row], header=header))
    assert len(report.errors) == 1
    assert report.errors[0].row == 1
    assert "Status" in report.errors[0].reason
    assert Project.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"%PDF-1.7\n\x00\x01binary", "records.csv"),
        (b"PK\x03\x04not really a workbook", "records.xlsx"),
        ("Título;Año\n".encode("latin-1"), "records.csv"),
    ],
)
def test_it_rejects_a_wrong_file_type(desks, content, name):
    report = import_aiddata(content, filename=name)
    assert len(report.errors) == 1
    assert report.errors[0].row == 1
    assert Project.objects.count() == 0


def test_it_saves_nothing_on_a_dry_run(desks):
    report = import_aiddata(_csv([GOOD]), dry_run=True)
    assert report.created == 1
    assert report.actions == [(2, 101, "create", "Port expansion")]
    assert Project.objects.count() == 0


def test_it_assigns_the_desk_given(desks):
    desk = DeskFactory(code="multilateral")
    import_aiddata(_csv([GOOD]), desk=desk)
    assert Project.objects.get().desk == desk


def test_it_reports_a_region_without_a_desk(db):
    report = import_aiddata(_csv([GOOD]))
    assert report.errors[0].column == "Recipient ISO-3"
    assert "desk" in report.errors[0].reason


def test_it_imports_in_bulk(desks, django_assert_max_num_queries):
    # SQLite caps parameters per statement, so its batches are smaller.
    with django_assert_max_num_queries(60):
        report = import_aiddata(SUBSET.read_bytes(), skip_invalid=True)
    assert report.created == 1978


def test_the_command_imports_and_summarises(desks, capsys):
    call_command("import_aiddata", str(PORTS), "--dry-run")
    out = capsys.readouterr().out
    assert "would create 20" in out
    assert Project.objects.count() == 0
    call_command("import_aiddata", str(PORTS))
    assert "created 20" in capsys.readouterr().out
    call_command("import_aiddata", str(PORTS))
    assert "unchanged 20" in capsys.readouterr().out


def test_the_command_fails_on_errors_and_lists_them(desks, tmp_path, capsys):
    bad = list(GOOD)
    bad[3] = "XYZ"
    path = tmp_path / "bad.csv"
    path.write_bytes(_csv([bad]))
    with pytest.raises(CommandError):
        call_command("import_aiddata", str(path))
    assert "row 2" in capsys.readouterr().err
    call_command("import_aiddata", str(path), "--skip-invalid")
    assert "skipped 1" in capsys.readouterr().out


@pytest.mark.parametrize(
    "client_name",
    ["officer_client", "chief_client", "leader_client", "viewer_client"],
)
def test_the_upload_page_is_for_administrators_only(request, client_name):
    client = request.getfixturevalue(client_name)
    assert client.get(reverse("projects:import")).status_code == 403


def test_the_upload_page_shows_errors_and_saves_nothing(admin_client_, desks):
    bad = list(GOOD)
    bad[0], bad[3] = "109", "XYZ"
    upload = SimpleUploadedFile("records.csv", _csv([GOOD, bad]), "text/csv")
    response = admin_client_.post(
        reverse("projects:import"), {"file": upload}, HTTP_ACCEPT_LANGUAGE="en"
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Unknown country code" in content
    assert "XYZ" in content
    assert Project.objects.count() == 0
    upload = SimpleUploadedFile("records.csv", _csv([GOOD, bad]), "text/csv")
    admin_client_.post(
        reverse("projects:import"), {"file": upload, "skip_invalid": "on"}
    )
    assert Project.objects.count() == 1
