"""The company's letterhead on the coulance letter: set in the admin (logo checked, kept in the
database), printed on the PDF and the preview, signed under the email, kept as it was sent, and
laid out anew with a template override."""

from __future__ import annotations

import base64
import io
from io import StringIO

import pypdf
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import Image

from accounts.models import User
from complaints.coulance import letter_services, letters
from complaints.coulance.letterhead import (
    current_letterhead,
    letterhead_of,
    letterhead_update,
    logo_read,
)
from complaints.models import CoulanceLetter, Letterhead, LetterStatus
from complaints.tasks import send_coulance_letter
from tests.coulance.test_letters import approved, letter_of, resolved_complaint

NAME = "Zonnestroom Nederland B.V."
ADDRESS = "Postbus 4711\n3500 AA Utrecht"
FOOTER = "KvK 12345678 · 030 123 45 67 · www.zonnestroom.example"


def png(size: tuple[int, int] = (120, 60), color: str = "teal") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 40), "navy").save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def head(admin_user: User) -> Letterhead:
    return letterhead_update(
        actor=admin_user,
        company_name=NAME,
        address=ADDRESS,
        footer=FOOTER,
        logo=(png(), "image/png"),
    )


@pytest.fixture
def letter(agent: User, manager: User, director: User) -> CoulanceLetter:
    return letter_of(approved(resolved_complaint(agent, language="nl"), agent, manager))


def pdf_pages(pdf: bytes) -> list[pypdf.PageObject]:
    return list(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def words(page: pypdf.PageObject) -> str:
    return " ".join(page.extract_text().split())


# --- The PDF and the preview ----------------------------------------------------------------------


def test_the_pdf_shows_the_name_the_address_and_on_every_page_the_footer(head, letter, agent):
    # A text long enough for two pages: the footer stands at the bottom of each.
    long = letter.body + "\n\n" + "\n\n".join(["Een alinea die de brief langer maakt."] * 60)
    letter = letter_services.coulance_letter_update(letter=letter, actor=agent, body=long)

    pages = pdf_pages(letters.render_pdf(letter))

    assert len(pages) >= 2
    first = words(pages[0])
    assert NAME in first
    assert "Postbus 4711" in first
    assert "3500 AA Utrecht" in first
    for page in pages:
        assert "KvK 12345678 · 030 123 45 67 · www.zonnestroom.example" in words(page)


def test_without_a_letterhead_the_letter_names_company_name(letter, settings):
    settings.COMPANY_NAME = "Fallback Energie"

    text = words(pdf_pages(letters.render_pdf(letter))[0])

    assert Letterhead.objects.count() == 0
    assert "Fallback Energie" in text
    assert "KvK" not in text
    assert "<img" not in letters.render_html(letter)


def test_the_logo_is_an_image_in_the_pdf_and_a_data_uri_in_the_html(head, letter):
    [page, *_] = pdf_pages(letters.render_pdf(letter))
    [image] = page.images
    assert image.image is not None
    assert image.image.size == (120, 60)

    html = letters.render_html(letter)
    uri = "data:image/png;base64," + base64.b64encode(bytes(head.logo or b"")).decode()
    assert f'src="{uri}"' in html
    assert "http" not in html.split("<body>")[1].split("</header>")[0]  # nothing fetched


def test_the_preview_page_allows_data_images_and_nothing_wider(head, letter, agent):
    client = Client()
    client.force_login(agent)

    response = client.get(reverse("letter-page-preview", args=[letter.pk]))

    assert response.status_code == 200
    assert b'src="data:image/png;base64,' in response.content
    directives = {
        name: value.strip()
        for name, _sep, value in (
            part.strip().partition(" ") for part in response["Content-Security-Policy"].split(";")
        )
    }
    assert directives["img-src"] == "'self' data:"
    assert "'unsafe-inline'" not in directives["style-src"]


def test_an_override_of_letters_letterhead_html_is_used(head, letter, tmp_path, settings):
    override = tmp_path / "letters"
    override.mkdir()
    (override / "letterhead.html").write_text(
        '<header class="letterhead">EIGEN BRIEFHOOFD van {{ letterhead.company_name }}</header>\n',
        encoding="utf-8",
    )
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [engine | {"DIRS": [tmp_path, *engine["DIRS"]]}]

    html = letters.render_html(letter)

    assert f"EIGEN BRIEFHOOFD van {NAME}" in html
    assert "Postbus 4711" not in html  # the shipped layout is not used
    assert f"EIGEN BRIEFHOOFD van {NAME}" in words(pdf_pages(letters.render_pdf(letter))[0])


# --- The email, and what a sent letter keeps ------------------------------------------------------


def test_the_email_ends_with_the_letterheads_signature(head, letter, agent):
    letter_services.coulance_letter_send(letter=letter, actor=agent)

    assert send_coulance_letter(letter.pk) is True

    [message] = mail.outbox
    text, signature = message.body.split("\n\n-- \n")
    assert text == letter.body.rstrip()
    assert signature == f"{NAME}\nPostbus 4711\n3500 AA Utrecht\n{FOOTER}\n"
    assert message.extra_headers["Message-ID"] == f"<coulance-letter.{letter.pk}@klachtwijzer>"
    [(_name, content, mimetype)] = message.attachments
    assert mimetype == "application/pdf"
    assert NAME in words(pdf_pages(content)[0])


def test_a_sent_letter_keeps_the_letterhead_it_was_sent_with(head, letter, agent, admin_user):
    sent = letter_services.coulance_letter_send(letter=letter, actor=agent)
    letterhead_update(
        actor=admin_user,
        company_name="Nieuwe Naam B.V.",
        address="Elders 9\n9999 ZZ Ergens",
        footer="KvK 87654321",
        logo=(png(color="red"), "image/png"),
    )
    # Delivered after the change (as a retry would be): the email says what was sent.
    assert send_coulance_letter(sent.pk) is True
    [message] = mail.outbox
    assert f"-- \n{NAME}\nPostbus 4711" in message.body
    assert "Nieuwe Naam" not in message.body
    sent.refresh_from_db()
    assert sent.status == LetterStatus.SENT
    assert "Nieuwe Naam" not in letter_services.letter_email(sent).body
    # The preview of the sent letter too; its PDF is the one frozen at sending.
    html = letters.render_html(sent)
    assert NAME in html
    assert "Nieuwe Naam" not in html
    assert "<img" not in html  # the logo it was sent with is gone; the PDF still holds it
    assert pdf_pages(bytes(sent.pdf))[0].images
    assert NAME in words(pdf_pages(bytes(sent.pdf))[0])

    # A draft (the next version) shows the letterhead as it is now.
    draft = letter_services.coulance_letter_new_version(coulance_request=sent.request, actor=agent)
    assert draft.letterhead == {}
    assert letterhead_of(draft).company_name == "Nieuwe Naam B.V."
    assert "Nieuwe Naam B.V." in letters.render_html(draft)


def test_a_sent_letter_shows_the_logo_while_it_is_still_the_same(head, letter, agent, admin_user):
    sent = letter_services.coulance_letter_send(letter=letter, actor=agent)
    letterhead_update(actor=admin_user, company_name="Andere Naam", address="", footer="")

    shown = letterhead_of(sent)

    assert shown.company_name == NAME
    assert shown.logo == bytes(head.logo or b"")


# --- The logo's check -----------------------------------------------------------------------------


def test_png_and_jpeg_are_accepted_by_their_content():
    assert logo_read(io.BytesIO(png())) == (png(), "image/png")
    assert logo_read(io.BytesIO(jpeg()))[1] == "image/jpeg"


@pytest.mark.parametrize(
    "content",
    [
        b"Dit is geen plaatje, alleen tekst met .png erachter.\n",
        b"GIF89a" + b"\x00" * 40,
        png()[:60],  # cut off: the header is there, the pixels are not
    ],
    ids=["text", "gif", "truncated"],
)
def test_what_is_not_a_whole_png_or_jpeg_is_refused(content):
    with pytest.raises(ValidationError, match="not a PNG or JPEG image"):
        logo_read(io.BytesIO(content))


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    out = io.BytesIO()
    Image.new("1", (5000, 5000)).save(out, format="PNG")  # a few KB, 25 million pixels
    assert len(out.getvalue()) < 256 * 1024

    with pytest.raises(ValidationError, match="more than 4 million pixels"):
        logo_read(io.BytesIO(out.getvalue()))


def test_the_logos_messages_are_in_dutch_too():
    with translation.override("nl"):
        with pytest.raises(ValidationError) as refused:
            logo_read(io.BytesIO(b"geen plaatje"))
        assert "geen PNG- of JPEG-afbeelding" in refused.value.messages[0]


# --- The admin ------------------------------------------------------------------------------------


@pytest.fixture
def staff(admin_user: User) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


ADD = reverse("admin:complaints_letterhead_add")


def change_url() -> str:
    return reverse("admin:complaints_letterhead_change", args=[1])


def form(**extra: object) -> dict[str, object]:
    return {"company_name": NAME, "address": ADDRESS, "footer": FOOTER} | extra


def test_the_administrator_adds_the_letterhead_with_a_png(staff, admin_user):
    logo = png()

    response = staff.post(ADD, form(upload=SimpleUploadedFile("logo.png", logo, "image/png")))

    assert response.status_code == 302, response.content.decode()[:2000]
    row = Letterhead.objects.get()
    assert (row.company_name, row.address, row.footer) == (NAME, ADDRESS, FOOTER)
    assert (bytes(row.logo or b""), row.logo_type) == (logo, "image/png")
    assert row.updated_by == admin_user
    page = staff.get(change_url())
    assert page.status_code == 200
    assert b'<img src="data:image/png;base64,' in page.content  # the preview


def test_a_text_file_named_png_is_refused_and_nothing_is_saved(staff, head):
    before = bytes(Letterhead.objects.get().logo or b"")
    fake = SimpleUploadedFile("logo.png", b"hello, I am text\n", "image/png")

    response = staff.post(change_url(), form(company_name="Anders", upload=fake))

    assert response.status_code == 200
    # The admin speaks the site's language, Dutch.
    assert "Dit bestand is geen PNG- of JPEG-afbeelding" in response.content.decode()
    row = Letterhead.objects.get()
    assert (row.company_name, bytes(row.logo or b"")) == (NAME, before)


def test_a_logo_over_256_kb_is_refused(staff, head):
    noise = Image.frombytes("RGB", (400, 400), bytes(range(256)) * 1875)
    out = io.BytesIO()
    noise.save(out, format="PNG", compress_level=0)
    assert len(out.getvalue()) > 256 * 1024

    upload = SimpleUploadedFile("big.png", out.getvalue(), "image/png")
    response = staff.post(change_url(), form(upload=upload))

    assert response.status_code == 200
    assert "Het logo is groter dan 256 KB" in response.content.decode()
    assert bytes(Letterhead.objects.get().logo or b"") == png()


def test_remove_logo_removes_it_and_keeps_the_text(staff, head):
    response = staff.post(change_url(), form(footer="KvK 1", remove_logo="on"))

    assert response.status_code == 302
    row = Letterhead.objects.get()
    assert (row.logo, row.logo_type, row.footer) == (None, "", "KvK 1")
    assert current_letterhead().logo_uri == ""


def test_saving_without_an_upload_keeps_the_logo(staff, head):
    assert staff.post(change_url(), form(company_name="Nieuw")).status_code == 302

    row = Letterhead.objects.get()
    assert (row.company_name, bytes(row.logo or b"")) == ("Nieuw", png())


def test_only_one_letterhead_exists_and_it_is_never_deleted(staff, head):
    assert staff.get(ADD).status_code == 403
    assert staff.post(ADD, form(company_name="Tweede")).status_code == 403
    delete = reverse("admin:complaints_letterhead_delete", args=[1])
    assert staff.post(delete, {"post": "yes"}).status_code == 403
    assert Letterhead.objects.count() == 1
    with transaction.atomic(), pytest.raises(IntegrityError):
        Letterhead.objects.create(id=2, company_name="Tweede", updated_at=head.updated_at)


# --- The demo -------------------------------------------------------------------------------------


def test_the_demo_ships_a_neutral_letterhead_with_a_logo_drawn_at_seed_time(db):
    call_command("seed_demo", stdout=StringIO())

    row = Letterhead.objects.get()
    assert row.company_name == "Klachtwijzer Demo B.V."
    assert "KvK 00000000" in row.footer
    assert logo_read(io.BytesIO(bytes(row.logo or b""))) == (bytes(row.logo or b""), "image/png")
    letter = CoulanceLetter.objects.filter(
        request__complaint__customer__customer_number__startswith="DEMO-"
    ).first()
    assert letter is not None
    html = letters.render_html(letter)
    assert "Klachtwijzer Demo B.V." in html
    assert 'src="data:image/png;base64,' in html

    # A second run keeps what an administrator set meanwhile.
    Letterhead.objects.update(company_name="Eigen Naam")
    call_command("seed_demo", stdout=StringIO())
    assert Letterhead.objects.get().company_name == "Eigen Naam"
