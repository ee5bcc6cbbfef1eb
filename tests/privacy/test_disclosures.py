"""The disclosures register (policy 5): officers only; every look is on record."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from jtlcloud.audit.models import AuditEvent
from jtlcloud.privacy.models import Disclosure
from tests.conftest import log_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def disclosure_data(owner, officer):
    return {
        "subject_email": owner.email,
        "subject_label": "",
        "data_description": "Login times in March",
        "recipient": "West Yorkshire Police",
        "legal_basis": "Court order 2026/123",
        "approver_email": officer.email,
        "disclosed_on": "2026-03-20",
    }


def test_an_officer_records_a_disclosure_and_downloads_the_bundle(
    officer_client, owner, disclosure_data
):
    response = officer_client.post("/staff/disclosures/new", disclosure_data)
    assert response.status_code == 302
    item = Disclosure.objects.get()
    assert item.reference.startswith("DIS-")
    register = officer_client.get("/staff/disclosures").content.decode()
    assert item.reference in register and "West Yorkshire Police" in register
    detail = officer_client.get(f"/staff/disclosures/{item.code}").content.decode()
    assert "Court order 2026/123" in detail and "Login times in March" in detail
    bundle = officer_client.post(f"/staff/disclosures/{item.code}/bundle")
    assert bundle.status_code == 200
    assert bundle["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(bundle.content))
    assert set(archive.namelist()) == {
        "disclosure.json",
        "personal-data.json",
        "README.txt",
        "manifest.txt",
    }
    entry = json.loads(archive.read("disclosure.json"))
    assert entry["recipient"] == "West Yorkshire Police"
    assert entry["legal_basis"] == "Court order 2026/123"
    assert entry["approved_by"] == "officer@jtl.example"
    assert json.loads(archive.read("personal-data.json"))["sections"]["profile"]["email"] == (
        owner.email
    )
    kinds = set(AuditEvent.objects.values_list("kind", flat=True))
    assert {"privacy.disclosure_recorded", "privacy.disclosure_exported"} <= kinds


def test_the_approver_must_be_an_officer(officer_client, support, disclosure_data):
    disclosure_data["approver_email"] = support.email
    response = officer_client.post("/staff/disclosures/new", disclosure_data)
    assert response.status_code == 400
    assert not Disclosure.objects.exists()


def test_support_staff_cannot_see_the_register(staff_client, officer_client, disclosure_data):
    officer_client.post("/staff/disclosures/new", disclosure_data)
    item = Disclosure.objects.get()
    for url in [
        "/staff/disclosures",
        "/staff/disclosures/new",
        f"/staff/disclosures/{item.code}",
    ]:
        response = staff_client.get(url)
        assert response.status_code == 404, url
        assert "West Yorkshire Police" not in response.content.decode()
    assert staff_client.post(f"/staff/disclosures/{item.code}/bundle").status_code == 404
    assert staff_client.post("/staff/disclosures/new", disclosure_data).status_code == 404
    assert Disclosure.objects.count() == 1
    assert "/staff/disclosures" not in staff_client.get("/staff").content.decode()


def test_users_and_anonymous_visitors_cannot_see_the_register(client, owner):
    assert client.get("/staff/disclosures").status_code == 404
    log_in(client, owner)
    assert client.get("/staff/disclosures").status_code == 404


def test_staff_without_a_verified_second_factor_reach_no_staff_page(client, officer):
    log_in(client, officer)  # PIN only: the second-factor gate sends them to set one up
    response = client.get("/staff/disclosures")
    assert response.status_code in {302, 404}
    assert "disclos" not in response.content.decode().lower()
