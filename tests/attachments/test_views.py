"""The page's upload form and list, the API, the download's guard and headers, export, erasure."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import User
from complaints import attachments, privacy
from complaints.models import AccessVia, Attachment, Complaint
from tests.attachments.conftest import EXE, PDF, PNG, incoming, stored_files

pytestmark = pytest.mark.django_db


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def _page_post(client: Client, complaint: Complaint, *files: SimpleUploadedFile):
    url = reverse("complaint-page-attachments", args=[complaint.reference])
    return client.post(url, {"files": list(files)})


@pytest.mark.parametrize(
    ("language", "added", "refused_word"),
    [("en", "1 file added.", "Refused"), ("nl", "1 bestand toegevoegd.", "Geweigerd")],
)
def test_page_upload_lists_the_file_in_both_languages(
    client_as, agent: User, complaint: Complaint, language: str, added: str, refused_word: str
) -> None:
    client = client_as(agent, language)
    response = _page_post(client, complaint, _upload("bon.pdf", PDF))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert added in page
    assert "bon.pdf" in page
    row = Attachment.objects.get(complaint=complaint)
    assert reverse("attachment-download", args=[row.pk]) in page
    attachments.attachments_add(
        complaint=complaint, files=[incoming("holiday.mov", b"x" * 1500)], source="email"
    )
    page = client.get(reverse("complaint-page", args=[complaint.reference])).content.decode()
    assert f"{refused_word}:</strong> holiday.mov" in page


def test_page_upload_too_large_says_so_and_writes_nothing(
    client_as, agent: User, complaint: Complaint, attachments_dir: Path
) -> None:
    client = client_as(agent, "nl")
    response = _page_post(client, complaint, _upload("a.pdf", PDF), _upload("big.txt", b"x" * 1001))
    assert response.status_code == 413
    page = response.content.decode()
    assert "Er is niets toegevoegd" in page
    assert "big.txt" in page
    assert Attachment.objects.count() == 0
    assert stored_files(attachments_dir) == []


def test_page_upload_wrong_type_is_400_with_the_reason(
    client_as, agent: User, complaint: Complaint
) -> None:
    response = _page_post(client_as(agent), complaint, _upload("factuur.pdf", EXE))
    assert response.status_code == 400
    assert "not accepted" in response.content.decode()


def test_download_headers(client_as, agent: User, complaint: Complaint) -> None:
    (row,) = attachments.attachments_add(
        complaint=complaint, files=[incoming("rekening mei €.pdf", PNG)], source="page"
    ).stored
    response = client_as(agent).get(reverse("attachment-download", args=[row.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"rekening mei _.pdf\"; filename*=UTF-8''rekening%20mei%20%E2%82%AC.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")


def test_another_teams_agent_gets_404(
    client_as, api_as, outsider: User, complaint: Complaint
) -> None:
    (row,) = attachments.attachments_add(
        complaint=complaint, files=[incoming("a.pdf", PDF)], source="page"
    ).stored
    assert client_as(outsider).get(reverse("attachment-download", args=[row.pk])).status_code == 404
    api = api_as(outsider)
    assert api.get(f"/api/attachments/{row.pk}/").status_code == 404
    assert api.get(f"/api/complaints/{complaint.reference}/attachments/").status_code == 404
    response = api.post(
        f"/api/complaints/{complaint.reference}/attachments/",
        {"files": [_upload("b.pdf", PDF)]},
        format="multipart",
    )
    assert response.status_code == 404
    assert Attachment.objects.count() == 1


def test_api_upload_list_and_download(api_as, agent: User, complaint: Complaint) -> None:
    api = api_as(agent)
    url = f"/api/complaints/{complaint.reference}/attachments/"
    response = api.post(url, {"files": [_upload("scan.pdf", PNG)]}, format="multipart")
    assert response.status_code == 201
    (item,) = response.json()
    assert (item["name"], item["content_type"], item["refused"]) == ("scan.pdf", "image/png", False)
    listed = api.get(url).json()
    assert [i["id"] for i in listed] == [item["id"]]
    download = api.get(item["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG


def test_api_too_large_is_413_and_wrong_type_400(api_as, agent: User, complaint: Complaint) -> None:
    api = api_as(agent)
    api.credentials(HTTP_ACCEPT_LANGUAGE="en")
    url = f"/api/complaints/{complaint.reference}/attachments/"
    big = api.post(url, {"files": [_upload("big.txt", b"x" * 1001)]}, format="multipart")
    assert big.status_code == 413
    assert "big.txt" in big.json()["files"][0]
    wrong = api.post(url, {"files": [_upload("x.pdf", EXE)]}, format="multipart")
    assert wrong.status_code == 400
    assert "not accepted" in wrong.json()["files"][0]
    none = api.post(url, {}, format="multipart")
    assert none.status_code == 400
    assert Attachment.objects.count() == 0


def test_a_body_over_the_message_limit_is_refused_before_it_is_read(
    client_as, api_as, agent: User, complaint: Complaint, settings
) -> None:
    settings.ATTACHMENTS_BODY_OVERHEAD_BYTES = 100
    api = api_as(agent)
    url = f"/api/complaints/{complaint.reference}/attachments/"
    response = api.post(url, {"files": [_upload("a.txt", b"x" * 3000)]}, format="multipart")
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"
    page = _page_post(client_as(agent), complaint, _upload("a.txt", b"x" * 3000))
    assert page.status_code == 413
    assert "Wat u verstuurde is te groot" in page.content.decode()  # before the user's language


def test_export_holds_the_files_and_erasure_removes_them(
    quality: User,
    agent: User,
    complaint: Complaint,
    attachments_dir: Path,
    django_capture_on_commit_callbacks,
) -> None:
    attachments.attachments_add(
        complaint=complaint,
        files=[incoming("a.pdf", PDF), incoming("b.mov", b"x" * 1500)],
        source="email",
    )
    data = privacy.customer_export(customer=complaint.customer, actor=quality, via=AccessVia.API)
    stored, refused = data["complaints"][0]["attachments"]
    assert base64.b64decode(stored["content_base64"]) == PDF
    assert stored["name"] == "a.pdf"
    assert "content_base64" not in refused
    assert "limit per file" in refused["refused_reason"]

    from complaints.states import Stage
    from tests.privacy.conftest import _walk

    _walk(complaint, agent, Stage.RESOLVED)
    with django_capture_on_commit_callbacks(execute=True):
        privacy.customer_erase(
            customer=complaint.customer, actor=quality, reason="Verzoek klant", via=AccessVia.API
        )
    assert Attachment.objects.count() == 0
    assert stored_files(attachments_dir) == []
