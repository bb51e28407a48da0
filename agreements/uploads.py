"""Checks on uploaded text versions and attachments.

The type is decided by the file's content (``filetype`` reads its magic
bytes), and the name's extension must agree with it; plain text, which has
no magic bytes, must decode as UTF-8 and contain no NUL bytes.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# extension → the content type its content must have
ALLOWED = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".txt": "text/plain",
}
# filetype recognises a DOCX only as the ZIP it is on some versions.
_ZIP = "application/zip"
_SNIFF_BYTES = 8192


def check_upload(upload: UploadedFile) -> str:
    """Return the upload's content type, or raise ValidationError."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    extension = PurePosixPath(upload.name or "").suffix.lower()
    expected = ALLOWED.get(extension)
    if expected is None:
        raise ValidationError(
            _("Upload a PDF, Word (.docx), OpenDocument (.odt) or plain text file."),
            code="type",
        )
    upload.seek(0)
    head = upload.read(_SNIFF_BYTES)
    upload.seek(0)
    if not _content_is(expected, head, upload):
        raise ValidationError(
            _("The file's content is not the type its name says (%(ext)s).")
            % {"ext": extension},
            code="disguised",
        )
    return expected


def _content_is(expected: str, head: bytes, upload: UploadedFile) -> bool:
    kind = filetype.guess(head)
    if expected == "text/plain":
        return kind is None and _is_text(upload)
    if kind is None:
        return False
    if kind.mime == expected:
        return True
    if expected == ALLOWED[".docx"] and kind.mime == _ZIP:
        return b"word/" in head or b"[Content_Types].xml" in head
    return False


def _is_text(upload: UploadedFile) -> bool:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def safe_filename(name: str, fallback: str = "download") -> str:
    """A name safe for a Content-Disposition header: no path, no controls,
    no quotes; Unicode letters kept (Django encodes them as RFC 5987)."""
    name = PurePosixPath(name.replace("\\", "/")).name
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r'["/\\:*?<>|;]+', "_", name).strip(" .")
    return name[:150] or fallback
