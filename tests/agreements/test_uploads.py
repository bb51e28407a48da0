import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agreements.models import AgreementFile
from agreements.uploads import safe_filename
from tests.factories import agreement_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _docx() -> bytes:
    import docx

    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Article 1")
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.UPLOAD_MAX_BYTES = 64 * 1024
    return settings.MEDIA_ROOT


@pytest.fixture
def doc(desk):
    return agreement_in("negotiating", desk=desk)


def _upload(client, doc, name, content, **extra):
    data = {"kind": "text", "language": "en", "version": "v1", **extra}
    data["upload"] = SimpleUploadedFile(name, content)
    return client.post(reverse("agreements:file_upload", args=[doc.pk]), data)


@pytest.mark.parametrize(
    "name,content",
    [
        ("draft v2.pdf", PDF),
        ("草案.docx", None),
        ("notes.txt", "第一条 合作领域\n".encode()),
    ],
)
def test_it_stores_allowed_files_outside_the_static_tree(
    officer_client, doc, media, settings, name, content
):
    content = content if content is not None else _docx()
    response = _upload(officer_client, doc, name, content)
    assert response.status_code == 302
    record = AgreementFile.objects.get()
    assert record.original_name == name
    path = record.file.path
    assert path.startswith(str(media))
    assert not path.startswith(str(settings.STATIC_ROOT))
    # The stored name is random, not the uploaded one.
    assert name not in path


@pytest.mark.parametrize(
    "name,content",
    [
        ("report.pdf", b"MZ\x90\x00 this is a Windows program"),
        ("report.pdf", b"just text pretending to be a PDF"),
        ("report.docx", PDF),
        ("notes.txt", PDF),
        ("notes.txt", b"\x00\x01\x02binary"),
        ("run.exe", b"MZ\x90\x00"),
        ("page.html", b"<script>alert(1)</script>"),
        ("empty.pdf", b""),
    ],
)
def test_it_refuses_disguised_or_unknown_files(officer_client, doc, name, content):
    response = _upload(officer_client, doc, name, content)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not AgreementFile.objects.exists()


def test_it_refuses_a_file_over_the_size_limit(officer_client, doc, settings, media):
    big = PDF + b"0" * settings.UPLOAD_MAX_BYTES
    response = _upload(officer_client, doc, "big.pdf", big)
    assert response.status_code == 400
    assert "larger than" in response.content.decode()
    assert not AgreementFile.objects.exists()
    assert not any(p.is_file() for p in media.rglob("*")) if media.exists() else True


def test_it_serves_a_file_only_to_those_who_may_see_the_document(
    officer_client, viewer_client, other_officer_client, anon_client, doc
):
    _upload(officer_client, doc, "合作 文本.pdf", PDF)
    record = AgreementFile.objects.get()
    url = reverse("agreements:file_download", args=[doc.pk, record.pk])
    response = viewer_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''" in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert other_officer_client.get(url).status_code == 404
    assert anon_client.get(url).status_code == 302


def test_it_does_not_serve_a_file_through_another_document(officer_client, desk, doc):
    _upload(officer_client, doc, "a.pdf", PDF)
    record = AgreementFile.objects.get()
    other = agreement_in("drafting", desk=desk)
    url = reverse("agreements:file_download", args=[other.pk, record.pk])
    assert officer_client.get(url).status_code == 404


def test_only_editors_upload_or_delete(
    officer_client, viewer_client, leader_client, doc
):
    assert _upload(viewer_client, doc, "a.pdf", PDF).status_code == 403
    assert _upload(leader_client, doc, "a.pdf", PDF).status_code == 403
    _upload(officer_client, doc, "a.pdf", PDF)
    record = AgreementFile.objects.get()
    url = reverse("agreements:file_delete", args=[doc.pk, record.pk])
    assert viewer_client.post(url).status_code == 403
    assert officer_client.get(url).status_code == 405
    assert officer_client.post(url).status_code == 302
    assert not AgreementFile.objects.exists()


@pytest.mark.parametrize(
    "name,expected",
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\draft.pdf", "draft.pdf"),
        ('a"b;c.pdf', "a_b_c.pdf"),
        ("line\r\nbreak.pdf", "linebreak.pdf"),
        ("合作文本.pdf", "合作文本.pdf"),
        ("...", "download"),
    ],
)
def test_it_makes_download_names_safe(name, expected):
    assert safe_filename(name) == expected
