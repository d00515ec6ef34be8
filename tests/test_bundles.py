from __future__ import annotations

import copy
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from outsourcer.accounts.models import Workspace
from outsourcer.audit.models import AuditEntry
from outsourcer.bundles.demo import demo_document
from outsourcer.bundles.selectors import bundle_dumps, bundle_export
from outsourcer.bundles.services import bundle_import_into, bundle_import_new
from outsourcer.bundles.validation import BundleInvalid, bundle_parse, bundle_validate
from outsourcer.core.actor import Actor
from tests.conftest import Personas, login_client, token_client
from tests.factories import WorkspaceFactory


def minimal() -> dict:
    return {"format": "outsourcer-bundle", "version": 1, "workspace": {"name": "Tiny", "base_currency": "USD"}}


def paths(document) -> list[tuple[str, str]]:
    return [(e.path, e.message) for e in bundle_validate(document)]


def test_the_demo_bundle_is_valid():
    assert bundle_validate(demo_document()) == []


def test_unknown_keys_are_reported_with_their_path():
    doc = minimal()
    doc["workspace"]["colour"] = "teal"
    doc["extra"] = 1
    assert paths(doc) == [
        ("$.extra", "unknown key (not part of the bundle format)"),
        ("$.workspace.colour", "unknown key (not part of the bundle format)"),
    ]


def test_wrong_types_and_patterns_are_all_reported():
    doc = minimal()
    doc["workspace"]["base_currency"] = "usd"
    doc["workspace"]["owner_hourly_value"] = 85
    doc["workspace"]["working_hours"] = {"timezone": "Mars/Olympus", "start": "9:00", "end": "17:00"}
    found = dict(paths(doc))
    assert set(found) == {
        "$.workspace.base_currency",
        "$.workspace.owner_hourly_value",
        "$.workspace.working_hours.start",
        "$.workspace.working_hours.timezone",
    }
    assert found["$.workspace.owner_hourly_value"] == "expected string, got int: 85"
    assert "not a known IANA time zone" in found["$.workspace.working_hours.timezone"]
    assert "must match" in found["$.workspace.working_hours.start"]


def test_missing_required_and_wrong_version():
    doc = minimal()
    del doc["workspace"]["base_currency"]
    doc["version"] = 2
    assert paths(doc) == [
        ("$.version", "2 is not valid here (must be 1)"),
        ("$.workspace", "'base_currency' is required"),
    ]


def test_task_hours_finer_than_hundredths_are_refused():
    doc = minimal()
    task = {"ref": "t1", "name": "A", "hours_per_month": 1.255, "effectiveness": 1, "business_value": 1}
    doc["tasks"] = [task]
    assert paths(doc) == [("$.tasks[0].hours_per_month", "use at most two decimals")]
    task["hours_per_month"] = 1.25
    assert paths(doc) == []


def test_duplicate_refs_are_reported():
    doc = minimal()
    task = {"ref": "t1", "name": "A", "category": "c", "hours_per_month": 1, "effectiveness": 1, "business_value": 1}
    doc["tasks"] = [task, dict(task)]
    assert ("$.tasks[1].ref", "ref 't1' is already used by $.tasks[0]") in paths(doc)


def test_not_json_is_one_error_at_the_root():
    with pytest.raises(BundleInvalid) as exc:
        bundle_parse(b"{not json", max_bytes=1000)
    assert exc.value.errors[0].path == "$"
    assert "line 1, column 2" in exc.value.errors[0].message


def test_export_then_import_gives_the_same_workspace(db):
    first = bundle_import_new(actor=Actor.cli(), document=demo_document(), name="Brightline Studio", owner=None)
    exported = bundle_dumps(bundle_export(workspace=first.workspace))
    second = bundle_import_new(actor=Actor.cli(), document=json.loads(exported), name="Brightline Studio", owner=None)
    assert bundle_dumps(bundle_export(workspace=second.workspace)) == exported
    assert json.loads(exported) == demo_document()  # nothing in the demo was lost or invented
    # Invoices too, with the hours they billed and a first step of their history each.
    from outsourcer.payments.models import BilledTime, Invoice, InvoiceEvent

    for ws in (first.workspace, second.workspace):
        assert Invoice.objects.filter(workspace=ws).count() == len(demo_document()["invoices"])
        assert InvoiceEvent.objects.filter(workspace=ws).count() == len(demo_document()["invoices"])
        assert BilledTime.objects.filter(invoice__workspace=ws).count() == sum(
            1 for e in demo_document()["engagements"] for t in e.get("time_entries", []) if "invoice_ref" in t
        )
    fields = [f for f in Workspace.SETTINGS_FIELDS if f != "name"]  # every setting the bundle carries
    a, b = first.workspace, second.workspace
    assert {f: getattr(a, f) for f in fields} == {f: getattr(b, f) for f in fields}


def test_export_is_deterministic(db):
    ws = bundle_import_new(actor=Actor.cli(), document=demo_document(), name="D", owner=None).workspace
    assert bundle_dumps(bundle_export(workspace=ws)) == bundle_dumps(bundle_export(workspace=Workspace.objects.get()))


def test_refused_import_changes_nothing(personas: Personas):
    ws = personas.workspace
    before = (bundle_dumps(bundle_export(workspace=ws)), Workspace.objects.count(), AuditEntry.objects.count())
    bad = copy.deepcopy(demo_document())
    bad["workspace"]["policy"]["surprise"] = 1
    with pytest.raises(BundleInvalid):
        bundle_import_into(actor=Actor.cli(), document=bad, workspace=ws, replace=True)
    ws.refresh_from_db()
    assert (bundle_dumps(bundle_export(workspace=ws)), Workspace.objects.count(), AuditEntry.objects.count()) == before


# --- CLI ------------------------------------------------------------------------------------------


def test_cli_import_creates_the_workspace_with_an_owner(tmp_path, personas: Personas, capsys):
    path = tmp_path / "b.json"
    path.write_text(json.dumps(demo_document()))
    call_command("import_bundle", str(path), "--workspace", "Imported Co", "--owner", personas.owner.email, "--json")
    result = json.loads(capsys.readouterr().out)
    ws = Workspace.objects.get(uuid=result["id"])
    assert result["created"] is True and ws.name == "Imported Co"
    assert ws.memberships.get().user == personas.owner
    entry = AuditEntry.objects.filter(workspace=ws, action="bundle.import").get()
    assert entry.face == "cli" and entry.actor == personas.owner


def test_cli_import_refuses_a_bad_file_with_paths_and_status_2(tmp_path, db, capsys):
    path = tmp_path / "b.json"
    doc = minimal()
    doc["workspace"]["kind"] = "empire"
    doc["workspace"]["nope"] = True
    path.write_text(json.dumps(doc))
    with pytest.raises(CommandError) as exc:
        call_command("import_bundle", str(path), "--workspace", "X")
    assert exc.value.returncode == 2
    err = capsys.readouterr().err
    assert '$.workspace.kind: "empire" is not valid here' in err
    assert "$.workspace.nope: unknown key" in err
    assert not Workspace.objects.exists()


def test_cli_export_unknown_workspace_exits_2(db):
    with pytest.raises(CommandError) as exc:
        call_command("export_bundle", "--workspace", "Nobody")
    assert exc.value.returncode == 2


def test_cli_export_writes_a_file(tmp_path, personas: Personas):
    out = tmp_path / "out.json"
    call_command("export_bundle", "--workspace", str(personas.workspace.uuid), "--output", str(out))
    assert json.loads(out.read_text())["workspace"]["name"] == "Acme Design"


# --- Web and API ----------------------------------------------------------------------------------


def test_web_export_downloads_the_bundle(personas: Personas):
    response = login_client(personas.viewer).get(f"/w/{personas.workspace.uuid}/bundle/export/")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert json.loads(response.content)["workspace"]["name"] == "Acme Design"


def test_web_import_shows_every_error_and_changes_nothing(personas: Personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    doc = minimal()
    doc["workspace"]["base_currency"] = "dollars"
    doc["workspace"]["extra"] = 1
    upload = SimpleUploadedFile("b.json", json.dumps(doc).encode(), content_type="application/json")
    response = login_client(personas.owner).post(f"/w/{personas.workspace.uuid}/bundle/", {"file": upload})
    assert response.status_code == 400
    body = response.content.decode()
    assert "$.workspace.base_currency" in body and "$.workspace.extra" in body
    personas.workspace.refresh_from_db()
    assert personas.workspace.base_currency == "USD"


def test_web_import_into_the_workspace(personas: Personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("b.json", json.dumps(demo_document()).encode())
    response = login_client(personas.owner).post(f"/w/{personas.workspace.uuid}/bundle/", {"file": upload})
    assert response.status_code == 302
    personas.workspace.refresh_from_db()
    assert personas.workspace.time_zone == "America/New_York" and personas.workspace.region == "NY"
    assert personas.workspace.name == "Acme Design"  # the target keeps its own name


def test_web_import_as_a_new_workspace(personas: Personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("b.json", json.dumps(demo_document()).encode())
    response = login_client(personas.viewer).post("/workspaces/import/", {"file": upload, "name": ""})
    ws = Workspace.objects.get(name="Brightline Studio")
    assert response.status_code == 302 and response["Location"] == f"/w/{ws.uuid}/"
    assert ws.memberships.get().user == personas.viewer


def test_api_put_bundle_reports_errors_as_json(personas: Personas):
    client = token_client(personas.owner, personas.workspace)
    doc = minimal()
    doc["workspace"]["fx_rates"] = {"EUR": "one"}
    response = client.put(
        f"/api/v1/workspaces/{personas.workspace.uuid}/bundle", json.dumps(doc), content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["message"].startswith("The bundle has 1 problem")
    assert body["errors"][0]["path"] == "$.workspace.fx_rates.EUR"


def test_api_bundle_round_trip(personas: Personas):
    client = token_client(personas.owner, personas.workspace)
    url = f"/api/v1/workspaces/{personas.workspace.uuid}/bundle"
    doc = demo_document()
    assert client.put(url, json.dumps(doc), content_type="application/json").status_code == 200
    exported = client.get(url).json()
    doc["workspace"]["name"] = "Acme Design"
    assert exported == doc


def test_fx_rates_that_cannot_convert_are_reported_with_their_path():
    doc = minimal()
    doc["workspace"]["fx_rates"] = {"eur": "1.08", "GBP": "0"}
    assert paths(doc) == [
        (
            "$.workspace.fx_rates.GBP",
            'the rate for GBP must be a positive decimal number written as a string, e.g. "1.08"',
        ),
        ("$.workspace.fx_rates.eur", "'eur' is not a currency code (three capital letters, e.g. EUR)"),
    ]


def test_cli_import_to_an_unknown_uuid_is_refused(tmp_path, db):
    path = tmp_path / "b.json"
    path.write_text(json.dumps(minimal()))
    with pytest.raises(CommandError) as exc:
        call_command("import_bundle", str(path), "--workspace", "6f1c7d4e-0000-4000-8000-000000000000")
    assert exc.value.returncode == 2 and "No workspace has the UUID" in str(exc.value)
    assert not Workspace.objects.exists()


def test_cli_import_with_owner_makes_an_existing_member_owner(tmp_path, personas: Personas):
    path = tmp_path / "b.json"
    path.write_text(json.dumps(minimal()))
    call_command("import_bundle", str(path), "--workspace", personas.workspace.slug, "--owner", personas.viewer.email)
    assert personas.workspace.memberships.get(user=personas.viewer).role == "owner"


def test_cli_reports_what_the_model_layer_refuses_as_bundle_errors(tmp_path, db, capsys):
    path = tmp_path / "b.json"
    path.write_text(json.dumps(minimal()))
    with pytest.raises(CommandError) as exc:
        call_command("import_bundle", str(path), "--workspace", "N" * 201)
    assert exc.value.returncode == 2
    assert "$.workspace.name: Ensure this value has at most 200 characters" in capsys.readouterr().err
    assert not Workspace.objects.exists()


@pytest.mark.parametrize(
    ("raw", "path", "message"),
    [
        (
            b'{"format": "outsourcer-bundle", "version": 1, "workspace": {"name": "N", "base_currency": "USD", '
            b'"policy": {"originality_threshold": NaN}}}',
            "$",
            "NaN is not a number JSON allows",
        ),
        (b"[" * 100000 + b"]" * 100000, "$", "nested too deeply"),
        (
            b'{"format": "outsourcer-bundle", "version": 1, '
            b'"workspace": {"name": "A\\u0000B", "base_currency": "USD"}}',
            "$.workspace.name",
            "NUL",
        ),
        (
            b'{"format": "outsourcer-bundle", "version": 1, "workspace": {"name": "N", "base_currency": "USD", '
            b'"working_hours": {"timezone": "Europe", "start": "09:00", "end": "17:00"}}}',
            "$.workspace.working_hours.timezone",
            "not a known IANA time zone",
        ),
    ],
    ids=["nan", "deep", "nul", "zone-folder"],
)
def test_hostile_documents_are_refused_with_a_path(raw, path, message):
    with pytest.raises(BundleInvalid) as exc:
        bundle_parse(raw, max_bytes=10**7)
    assert any(e.path == path and message in e.message for e in exc.value.errors), exc.value.errors


def test_a_huge_policy_number_is_a_bundle_error_not_a_crash(db):
    doc = minimal()
    doc["workspace"]["policy"] = {"silence_days": 10**400}
    with pytest.raises(BundleInvalid) as exc:
        bundle_import_new(actor=Actor.cli(), document=doc, name="Huge", owner=None)
    assert exc.value.errors[0].path == "$.workspace.policy"
    assert not Workspace.objects.exists()


def test_what_the_settings_page_saves_exports_as_a_valid_bundle(personas: Personas):
    ws = personas.workspace
    data = {
        "name": "Acme Design",
        "kind": "agency",
        "base_currency": "USD",
        "time_zone": "UTC",
        "work_start": "08:00",
        "work_end": "16:00",
        "work_days": ["5", "1"],
        "fx_rates_text": "EUR=1E+2\nGBP=0.50",
    }
    assert login_client(personas.owner).post(f"/w/{ws.uuid}/settings/", data).status_code == 302
    ws.refresh_from_db()
    assert ws.fx_rates == {"EUR": "100", "GBP": "0.5"} and ws.work_days == [1, 5]
    exported = bundle_export(workspace=ws)
    assert bundle_validate(exported) == []
    again = bundle_import_new(actor=Actor.cli(), document=exported, name="Acme Design", owner=None).workspace
    assert bundle_dumps(bundle_export(workspace=again)) == bundle_dumps(exported)


def test_the_demo_never_takes_over_a_workspace_that_shares_its_name(personas: Personas):
    from outsourcer.bundles.demo import DEMO_WORKSPACE_ID, demo_load

    real = WorkspaceFactory(name="Brightline Studio", slug="brightline-studio", base_currency="EUR")
    login = demo_load(password="a-demo-passphrase-1")
    assert login.workspace.uuid == DEMO_WORKSPACE_ID and login.workspace.pk != real.pk
    real.refresh_from_db()
    assert real.base_currency == "EUR" and not real.memberships.exists()
    assert demo_load(password="again-a-passphrase-2").workspace.pk == login.workspace.pk


def test_import_with_owner_is_all_or_nothing(tmp_path, personas: Personas, monkeypatch):
    import outsourcer.bundles.services as bundle_services

    def explode(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(bundle_services, "membership_set", explode)
    doc = minimal()
    doc["workspace"]["base_currency"] = "EUR"
    with pytest.raises(RuntimeError):
        bundle_import_into(
            actor=Actor.cli(), document=doc, workspace=personas.workspace, replace=True, owner=personas.viewer
        )
    personas.workspace.refresh_from_db()
    assert personas.workspace.base_currency == "USD"
    assert not AuditEntry.objects.filter(action="bundle.import").exists()


# --- Contractors and engagements ------------------------------------------------------------------


def full_contractor() -> dict:
    """A contractor with every field the bundle has, written the way the export writes it."""
    return {
        "ref": "ann", "kind": "agency", "name": "Ann Lee Studio", "email": "ann@lee.example", "country": "PT",
        "region": "LIS",
        "working_hours": {"timezone": "Europe/Lisbon", "start": "22:00", "end": "06:00", "days": [1, 2, 6]},
        "skills": ["copywriting", "seo"], "hourly_rate": "40.50", "currency": "EUR", "stage": "approved",
        "source": "Referral",
        "tax": {"us_person": False, "entity_type": "other", "legal_services": False, "tin_verified": True,
                "works_in_us": False},
        "references": [
            {"name": "Bo", "contact": "bo@x.example", "relationship": "Client", "checked_on": "2026-01-02",
             "outcome": "mixed", "met_deadlines": False, "notes": "Slow at first."},
            {"name": "Cy"},  # never checked: listed after the dated ones
        ],
        "interviews": [
            {"held_on": "2026-01-03", "interviewer": "Sam", "medium": "in_person",
             "scores": {"skills": 5, "communication": 4, "values_fit": 3, "reliability": 2},
             "identity_verified": True, "notes": "Brought a passport."},
            {"held_on": "2026-01-04", "identity_verified": False},
        ],
        "documents": [
            {"kind": "agreement", "title": "Services agreement", "signed_on": "2026-01-05", "expires_on": "2027-01-04"},
            {"kind": "w8ben_e"},
        ],
        "red_flags": [{"kind": "other", "noted_on": "2026-01-06", "notes": "Late to the call.", "resolved": True}],
        "notes": "Good for long-form work.",
    }  # fmt: skip


def full_engagement() -> dict:
    return {
        "ref": "e1", "contractor_ref": "ann", "title": "Blog", "kind": "ongoing", "status": "paused",
        "task_refs": ["t1", "t2"], "start_on": "2026-02-01", "end_on": "2026-12-31", "work_location": "US-NY",
        "rate": {"model": "commission", "currency": "EUR", "amount": "100.00", "weekly_hour_cap": 12.5,
                 "retainer_included_hours": 10, "commission_percent": 7.25, "commission_base": "closed sales"},
        "budget_cap": "5000.00", "payment_terms_days": 14,
        "ratings": [
            {"on": "2026-03-01", "overall": 4, "quality": 5, "timeliness": 3, "communication": 4,
             "value_for_money": 2, "would_rehire": True, "text": "Good.", "shared_with_contractor": True},
        ],
        "ended_reason": "Paused for the summer.",
    }  # fmt: skip


def with_people(contractors: list[dict], engagements: list[dict] | None = None) -> dict:
    doc = minimal()
    doc["tasks"] = [
        {"ref": ref, "name": ref, "hours_per_month": 5, "effectiveness": 2, "business_value": 2, "recurring": True,
         "status": "outsourced"}
        for ref in ("t1", "t2")
    ]  # fmt: skip
    doc["contractors"] = contractors
    if engagements is not None:
        doc["engagements"] = engagements
    return doc


def test_every_contractor_and_engagement_field_comes_back_the_same(db):
    doc = with_people([full_contractor(), {"ref": "bare", "kind": "individual", "name": "Bo", "stage": "prospect"}],
                      [full_engagement()])  # fmt: skip
    assert paths(doc) == []
    ws = bundle_import_new(actor=Actor.cli(), document=doc, name="Tiny", owner=None).workspace
    exported = bundle_export(workspace=ws)
    assert exported["contractors"] == doc["contractors"]
    assert exported["engagements"] == doc["engagements"]
    assert exported["tasks"] == doc["tasks"]
    ann = ws.contractor_set.get(ref="ann")
    assert ann.skills == ["copywriting", "seo"] and ann.work_days == [1, 2, 6] and ann.tin_verified is True
    assert ann.engagements.get().tasks.count() == 2


def test_an_engagement_written_loosely_exports_in_the_canonical_form(db):
    contractor = {"ref": "ann", "kind": "individual", "name": "Ann", "email": " Ann@Lee.Example ",
                  "skills": ["  Web  Design", "web design"],
                  "working_hours": {"timezone": "Europe/Lisbon", "start": "09:00", "end": "17:00"}}  # fmt: skip
    engagement = {"ref": "e1", "contractor_ref": "ann", "title": "Site", "status": "active", "brief": {},
                  "milestones": [], "rate": {"model": "fixed", "currency": "EUR", "amount": "100"}}  # fmt: skip
    ws = bundle_import_new(actor=Actor.cli(), document=with_people([contractor], [engagement]), name="L", owner=None)
    exported = bundle_export(workspace=ws.workspace)
    assert exported["contractors"][0] == {
        "ref": "ann", "kind": "individual", "name": "Ann", "email": "ann@lee.example",
        "working_hours": {"timezone": "Europe/Lisbon", "start": "09:00", "end": "17:00", "days": [1, 2, 3, 4, 5]},
        "skills": ["web design"], "stage": "prospect",
    }  # fmt: skip
    assert exported["engagements"][0] == {
        "ref": "e1", "contractor_ref": "ann", "title": "Site", "kind": "project", "status": "active",
        "rate": {"model": "fixed", "currency": "EUR", "amount": "100.00"},
    }  # fmt: skip
    again = bundle_import_new(actor=Actor.cli(), document=exported, name="L", owner=None).workspace
    assert bundle_dumps(bundle_export(workspace=again)) == bundle_dumps(exported)


def test_refs_that_point_nowhere_are_reported_with_their_paths():
    engagement = full_engagement() | {"contractor_ref": "nobody", "task_refs": ["t1", "gone", "t2", "lost"]}
    doc = with_people([full_contractor()], [engagement])
    assert paths(doc) == [
        ("$.engagements[0].contractor_ref", "no contractor in the bundle has the ref 'nobody'"),
        ("$.engagements[0].task_refs[1]", "no task in the bundle has the ref 'gone'"),
        ("$.engagements[0].task_refs[3]", "no task in the bundle has the ref 'lost'"),
    ]


def test_dates_out_of_order_and_what_the_directory_refuses_are_reported():
    contractor = full_contractor() | {"email": "not an email", "skills": ["a\nb"]}
    contractor["working_hours"] = {"timezone": "Europe/Lisbon", "start": "09:00", "end": "09:00"}
    contractor["documents"][0]["expires_on"] = "2025-12-31"
    del contractor["currency"]
    engagement = full_engagement() | {"end_on": "2026-01-31"}
    engagement["rate"] = {"model": "commission", "currency": "EUR", "weekly_hour_cap": 12.345}
    assert paths(with_people([contractor], [engagement])) == [
        ("$.contractors[0].currency", "say which currency the hourly rate is in"),
        ("$.contractors[0].documents[0].expires_on", "expires before it was signed (2026-01-05)"),
        ("$.contractors[0].email", '"not an email" is not an email address'),
        ("$.contractors[0].skills[0]", "a skill is one line of text"),
        ("$.contractors[0].working_hours.end", "the working day must end at another time than it starts"),
        ("$.engagements[0].end_on", "ends before it starts (2026-02-01)"),
        ("$.engagements[0].rate.commission_percent", "a commission needs its percentage"),
        ("$.engagements[0].rate.weekly_hour_cap", "use at most two decimals"),
    ]


def test_possible_duplicate_contractors_are_pointed_out(db, tmp_path, capsys):
    people = [
        {"ref": "ann-1", "kind": "individual", "name": "Ann Lee", "email": "ann@lee.example"},
        {"ref": "ann-2", "kind": "individual", "name": "Anne Lee"},
        {"ref": "bo", "kind": "individual", "name": "Bo Chan", "email": "ANN@lee.example"},
        {"ref": "cy", "kind": "individual", "name": "Cyrus Vance"},
    ]
    result = bundle_import_new(actor=Actor.cli(), document=with_people(people), name="D", owner=None)
    assert result.warnings == [
        "Ann Lee (ann-1) and Anne Lee (ann-2) may be the same contractor (a name 93% alike).",
        "Ann Lee (ann-1) and Bo Chan (bo) may be the same contractor (the same email address: ann@lee.example).",
    ]
    assert result.as_dict()["warnings"] == result.warnings
    path = tmp_path / "b.json"
    path.write_text(json.dumps(with_people(people)))
    call_command("import_bundle", str(path), "--workspace", "D2")
    out = capsys.readouterr().out
    assert "Warning: Ann Lee (ann-1) and Anne Lee (ann-2) may be the same contractor (a name 93% alike)." in out


def test_the_web_import_shows_possible_duplicates(personas: Personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    people = [
        {"ref": "a", "kind": "individual", "name": "Ann Lee"},
        {"ref": "b", "kind": "individual", "name": "Anne Lee"},
    ]
    upload = SimpleUploadedFile("b.json", json.dumps(with_people(people)).encode())
    client = login_client(personas.owner)
    response = client.post(f"/w/{personas.workspace.uuid}/bundle/", {"file": upload}, follow=True)
    body = response.content.decode()
    assert "Ann Lee (a) and Anne Lee (b) may be the same contractor (a name 93% alike)." in body
    assert "message--warning" in body


def test_a_workspace_with_contractors_is_replaced_only_when_asked(
    personas: Personas, tmp_path, settings, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from outsourcer.bundles.services import BundleConflict
    from outsourcer.contractors.models import Contractor, Document
    from outsourcer.contractors.services import document_attach_file
    from outsourcer.engagements.models import Engagement
    from tests.factories import ContractorFactory, DocumentFactory, EngagementFactory

    settings.MEDIA_ROOT = tmp_path
    ws = personas.workspace
    old = ContractorFactory(workspace=ws, ref="old")
    EngagementFactory(contractor=old, ref="old-work")
    document = DocumentFactory(contractor=old)
    upload = SimpleUploadedFile("w9.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    stored = document_attach_file(actor=Actor.cli(), document=document, upload=upload).file.name
    assert (tmp_path / stored).exists()
    doc = with_people([full_contractor()], [full_engagement()])
    with pytest.raises(BundleConflict):
        bundle_import_into(actor=Actor.cli(), document=doc, workspace=ws, replace=False)
    assert Contractor.objects.filter(workspace=ws).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        bundle_import_into(actor=Actor.cli(), document=doc, workspace=ws, replace=True)
    assert list(Contractor.objects.filter(workspace=ws).values_list("ref", flat=True)) == ["ann"]
    assert list(Engagement.objects.filter(workspace=ws).values_list("ref", flat=True)) == ["e1"]
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not (tmp_path / stored).exists()  # the old upload went with its document
