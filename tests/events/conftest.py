"""What the events tests share: real documents made in memory, the private-media folder
they land in, and readers of the events pages."""

import html
import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.roles import Role
from tests.factories import InteractionFactory, KOLFactory, UserFactory

# A minimal but well-formed one-page PDF.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
# The start of a ZIP archive (a .docx or a renamed .zip).
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 40
TIME_FORMAT = "%Y-%m-%dT%H:%M"


def image_bytes(kind: str, size=(8, 6)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, kind)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type="application/pdf") -> SimpleUploadedFile:
    """What the browser sends: the name and type it claims, whatever the bytes are."""
    return SimpleUploadedFile(name, content, content_type)


def stored_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def text(response) -> str:
    return html.unescape(response.content.decode())


def section(response, testid: str) -> str:
    """The inner HTML of the element marked data-testid=…, entities decoded."""
    page = response.content.decode()
    match = re.search(rf'<(\w+)[^>]*data-testid="{testid}"[^>]*>', page)
    assert match, f"no data-testid={testid} on the page"
    tag = match.group(1)
    depth, position = 1, match.end()
    for inner in re.compile(rf"<(/?){tag}[\s>]").finditer(page, match.end()):
        depth += -1 if inner.group(1) else 1
        if depth == 0:
            return html.unescape(page[match.end() : inner.start()])
        position = inner.end()
    raise AssertionError(f"data-testid={testid} is not closed after {position}")


def ae_warning_shown(response) -> bool:
    return 'data-testid="ae-training-warning"' in response.content.decode()


@pytest.fixture
def private_media(settings) -> Path:
    """Where uploaded documents go (the top-level conftest points it at a temporary folder)."""
    return Path(settings.PRIVATE_MEDIA_ROOT)


@pytest.fixture
def msl3(db):
    """A third MSL, in no team: sees none of the others' records."""
    return UserFactory(username="msl3", roles=[Role.MSL])


@pytest.fixture
def kol(organisation):
    return KOLFactory(first_name="Maria", last_name="Alvarez", territory=organisation["boston"])


@pytest.fixture
def foreign_kol(organisation):
    """A KOL in msl2's territory, out of msl's scope."""
    return KOLFactory(first_name="Kenji", last_name="Tanaka", territory=organisation["bay_area"])


@pytest.fixture
def msl_interaction(msl, kol):
    return InteractionFactory(owner=msl, kols=[kol])
