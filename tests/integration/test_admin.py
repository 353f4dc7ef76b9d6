"""Admin changes through data_access.admin on SQLite and PostgreSQL: validation, audit, reseed safety."""

from __future__ import annotations

import pytest

from dashboard.auth import now_utc
from data_access.actions import Actor
from data_access.admin import (
    AdminInputError,
    create_account,
    list_posts,
    list_users,
    reset_account_password,
    save_agency,
    save_category,
    save_post,
    update_account,
)
from data_access.db import make_engine, make_session_factory
from data_access.models import AdminChange, Agency, Category, ResponderPost, User
from data_access.reference import load_reference, load_samples
from data_access.users import authenticate

ADMIN = Actor("admin:root", "admin")
SLA = {"first_response_minutes": 10, "forward_minutes": 60, "followup_working_days": 5, "resolution_working_days": 14}


@pytest.fixture
def Session(migrated_url):
    return make_session_factory(make_engine(migrated_url))


@pytest.fixture
def root(Session):
    with Session.begin() as s:
        row, _ = create_account(
            s,
            actor=Actor("cli", "admin"),
            now=now_utc(),
            username="root",
            display_name="Root",
            role="admin",
            password="kata-sandi-root-1",
        )
    return row


def _keys(exc: pytest.ExceptionInfo) -> list[str]:
    return [p.key for p in exc.value.problems]


def _category(s, code="jalan-rusak", **over):
    c = s.get(Category, "jalan-rusak")  # a template for the form's other fields
    values = dict(
        code=code,
        create=False,
        name_id=c.name_id,
        name_en=c.name_en,
        group=c.group,
        default_agency_code=c.default_agency_code,
        active=c.active,
        **SLA,
    )
    values.update(over)
    return save_category(s, actor=ADMIN, now=now_utc(), **values)


# --- accounts ----------------------------------------------------------------------------------


def test_account_with_a_generated_password_can_log_in_and_no_hash_is_shown_or_audited(Session, root):
    with Session.begin() as s:
        row, password = create_account(
            s, actor=ADMIN, now=now_utc(), username="Petugas.DLH", display_name="Petugas DLH", role="agency", agency_code="DLH"
        )
    assert row.username == "petugas.dlh" and password and len(password) >= 10
    with Session.begin() as s:
        assert authenticate(s, username="petugas.dlh", password=password).agency_code == "DLH"
        stored = s.query(User).filter_by(username="petugas.dlh").one().password_hash
        listed = repr(list_users(s))
        audit = s.query(AdminChange).filter_by(entity="user", entity_key="petugas.dlh").one()
    assert stored not in listed and "argon2" not in listed and password not in listed
    assert (
        audit.actor == ADMIN.name
        and audit.action == "create"
        and password not in repr(audit.changes)
        and "argon2" not in repr(audit.changes)
    )


@pytest.mark.parametrize(
    ("over", "problem"),
    [
        ({"password": "pendek"}, "adm_err_password"),
        ({"role": "agency"}, "adm_err_agency_needed"),
        ({"role": "operator", "agency_code": "DLH"}, "adm_err_agency_only"),
        ({"role": "agency", "agency_code": "TIDAKADA"}, "adm_err_unknown_agency"),
        ({"role": "raja"}, "adm_err_choice"),
        ({"username": "ada spasi"}, "adm_err_username"),
        ({"username": "root"}, "adm_err_username_taken"),
        ({"display_name": "  "}, "adm_err_name_required"),
    ],
)
def test_bad_account_input_is_refused_with_a_reason(Session, root, over, problem):
    values = dict(username="baru", display_name="Baru", role="operator", agency_code=None, password=None)
    values.update(over)
    with Session.begin() as s, pytest.raises(AdminInputError) as exc:
        create_account(s, actor=ADMIN, now=now_utc(), **values)
    assert problem in _keys(exc)
    with Session() as s:
        assert s.query(User).filter_by(username=values["username"].strip().lower()).count() == (
            1 if problem.endswith("taken") else 0
        )


def test_change_role_and_agency_then_deactivate(Session, root):
    with Session.begin() as s:
        row, pw = create_account(s, actor=ADMIN, now=now_utc(), username="op2", display_name="Op Dua", role="operator")
    with Session.begin() as s:
        update_account(
            s,
            actor=ADMIN,
            actor_user_id=root.id,
            now=now_utc(),
            user_id=row.id,
            display_name="Op Dua",
            role="agency",
            agency_code="DPUPR",
            active=True,
        )
    with Session.begin() as s:
        assert authenticate(s, username="op2", password=pw).role == "agency"
        update_account(
            s,
            actor=ADMIN,
            actor_user_id=root.id,
            now=now_utc(),
            user_id=row.id,
            display_name="Op Dua",
            role="agency",
            agency_code="DPUPR",
            active=False,
        )
    with Session() as s:
        assert authenticate(s, username="op2", password=pw) is None
        actions = [(a.action, a.changes) for a in s.query(AdminChange).filter_by(entity_key="op2").order_by(AdminChange.id)]
    assert actions[1] == ("update", {"role": ["operator", "agency"], "agency_code": [None, "DPUPR"]})
    assert actions[2] == ("deactivate", {"active": [True, False]})


def test_an_admin_cannot_lock_themself_or_the_last_admin_out(Session, root):
    base = dict(actor=ADMIN, now=now_utc(), user_id=root.id, display_name="Root", agency_code=None)
    with Session.begin() as s, pytest.raises(AdminInputError) as exc:
        update_account(s, actor_user_id=root.id, role="admin", active=False, **base)
    assert _keys(exc) == ["adm_err_self_lockout"]
    with Session.begin() as s, pytest.raises(AdminInputError) as exc:
        update_account(s, actor_user_id=-1, role="operator", active=True, **base)  # someone else, but the last admin
    assert _keys(exc) == ["adm_err_last_admin"]


def test_reset_password_generated_or_entered(Session, root):
    with Session.begin() as s:
        row, old = create_account(s, actor=ADMIN, now=now_utc(), username="wk", display_name="Wali", role="mayor")
    with Session.begin() as s:
        new = reset_account_password(s, actor=ADMIN, now=now_utc(), user_id=row.id)
    with Session.begin() as s:
        assert authenticate(s, username="wk", password=old) is None
        assert authenticate(s, username="wk", password=new) is not None
        assert reset_account_password(s, actor=ADMIN, now=now_utc(), user_id=row.id, password="dipilih-sendiri-123") is None
    with Session.begin() as s:
        assert authenticate(s, username="wk", password="dipilih-sendiri-123") is not None
        with pytest.raises(AdminInputError):
            reset_account_password(s, actor=ADMIN, now=now_utc(), user_id=row.id, password="pendek")
        resets = s.query(AdminChange).filter_by(entity_key="wk", action="reset_password").all()
    assert len(resets) == 2 and all(not r.changes for r in resets)


# --- agencies and categories --------------------------------------------------------------------


def test_agency_create_update_and_no_deactivation_while_categories_use_it(Session):
    with Session.begin() as s:
        save_agency(
            s, actor=ADMIN, now=now_utc(), code="dkp", name="Dinas Ketahanan Pangan", kind="city", active=True, create=True
        )
    with Session.begin() as s, pytest.raises(AdminInputError) as exc:
        save_agency(s, actor=ADMIN, now=now_utc(), code="DKP", name="lagi", kind="city", active=True, create=True)
    assert _keys(exc) == ["adm_err_code_taken"]
    with Session.begin() as s, pytest.raises(AdminInputError) as exc:
        save_agency(s, actor=ADMIN, now=now_utc(), code="DPUPR", name="Dinas PUPR", kind="city", active=False, create=False)
    assert _keys(exc) == ["adm_err_agency_in_use"]
    with Session.begin() as s:
        save_agency(s, actor=ADMIN, now=now_utc(), code="DKP", name="Dinas Pangan", kind="partner", active=False, create=False)
    with Session() as s:
        a = s.get(Agency, "DKP")
        assert (a.name, a.kind, a.active) == ("Dinas Pangan", "partner", False)
        assert [c.action for c in s.query(AdminChange).filter_by(entity="agency", entity_key="DKP").order_by(AdminChange.id)] == [
            "create",
            "deactivate",
        ]


def test_category_sla_policy_is_saved_and_audited(Session):
    with Session.begin() as s:
        row = _category(s, first_response_minutes="15", forward_minutes=120, followup_working_days=3, resolution_working_days=10)
    assert (row.first_response_minutes, row.forward_minutes, row.followup_working_days, row.resolution_working_days) == (
        15,
        120,
        3,
        10,
    )
    with Session() as s:
        audit = s.query(AdminChange).filter_by(entity="category", entity_key="jalan-rusak").one()
        assert audit.actor == ADMIN.name and audit.changes["first_response_minutes"] == [10, 15]


@pytest.mark.parametrize(
    ("over", "problem"),
    [
        ({"first_response_minutes": 0}, "adm_err_range"),
        ({"first_response_minutes": 1441}, "adm_err_range"),
        ({"resolution_working_days": 500}, "adm_err_range"),
        ({"first_response_minutes": "sepuluh"}, "adm_err_not_number"),
        ({"first_response_minutes": "2.5"}, "adm_err_not_whole"),
        ({"forward_minutes": None}, "adm_err_required"),
        ({"first_response_minutes": 90, "forward_minutes": 30}, "adm_err_forward_before_first"),
        ({"followup_working_days": 20, "resolution_working_days": 5}, "adm_err_followup_after_resolution"),
        ({"default_agency_code": "TIDAKADA"}, "adm_err_unknown_agency"),
        ({"group": "lain"}, "adm_err_choice"),
    ],
)
def test_bad_sla_input_changes_nothing_and_says_why(Session, over, problem):
    with Session() as s:
        before = s.get(Category, "jalan-rusak").first_response_minutes
    with Session.begin() as s, pytest.raises(AdminInputError) as exc:
        _category(s, **over)
    assert problem in _keys(exc)
    with Session() as s:
        assert s.get(Category, "jalan-rusak").first_response_minutes == before
        assert s.query(AdminChange).count() == 0


def test_new_category_needs_a_new_code(Session):
    with Session.begin() as s:
        _category(s, code="pasar", create=True, name_id="Pasar", name_en="Market", group="pelayanan", default_agency_code="DLH")
    with Session.begin() as s, pytest.raises(AdminInputError) as exc:
        _category(s, code="pasar", create=True, name_id="Pasar", name_en="Market", group="pelayanan", default_agency_code="DLH")
    assert _keys(exc) == ["adm_err_code_taken"]


# --- responder posts ---------------------------------------------------------------------------

POST = dict(code="pos-baru", name="Pos Polisi Tanah Seribu", kind="polisi", agency_code="POLRES", phone="0618821110")


def test_post_inside_or_near_binjai_is_saved_far_away_is_refused(Session):
    with Session.begin() as s:
        row = save_post(
            s, actor=ADMIN, now=now_utc(), post_id=None, lat="3.60", lon="98.48", is_sample=False, active=True, **POST
        )
    assert (row.code, row.lat, row.is_sample) == ("POS-BARU", 3.60, False)
    with Session.begin() as s:  # Medan city centre, about 15 km beyond Binjai's boundary
        with pytest.raises(AdminInputError) as exc:
            save_post(
                s, actor=ADMIN, now=now_utc(), post_id=row.id, lat=3.5952, lon=98.6722, is_sample=False, active=True, **POST
            )
    assert _keys(exc) == ["adm_err_post_far"]
    with Session.begin() as s:
        with pytest.raises(AdminInputError) as exc:
            save_post(s, actor=ADMIN, now=now_utc(), post_id=row.id, lat="utara", lon=200, is_sample=False, active=True, **POST)
    assert "adm_err_not_number" in _keys(exc)
    with Session.begin() as s:
        with pytest.raises(AdminInputError) as exc:
            save_post(
                s,
                actor=ADMIN,
                now=now_utc(),
                post_id=None,
                lat=3.6,
                lon=98.48,
                is_sample=False,
                active=True,
                **{**POST, "phone": "telp?"},
            )
    assert _keys(exc) == ["adm_err_phone"]
    with Session.begin() as s, pytest.raises(AdminInputError) as exc:
        save_post(s, actor=ADMIN, now=now_utc(), post_id=None, lat=3.6, lon=98.48, is_sample=False, active=True, **POST)
    assert _keys(exc) == ["adm_err_code_taken"]


def test_sample_posts_keep_their_contoh_label(Session):
    with Session() as s:
        sample = s.query(ResponderPost).filter_by(code="POL-KOTA").one()
        pid, lat, lon = sample.id, sample.lat, sample.lon
    with Session.begin() as s:
        row = save_post(
            s,
            actor=ADMIN,
            now=now_utc(),
            post_id=pid,
            code="POL-KOTA",
            name="Pos Polisi Kota",
            kind="polisi",
            agency_code="POLRES",
            lat=lat,
            lon=lon,
            phone="",
            is_sample=True,
            active=True,
        )
    assert row.name == "Pos Polisi Kota (contoh)"
    with Session() as s:
        assert all("(contoh)" in p.name for p in list_posts(s) if p.is_sample)


# --- reseeding keeps admins' edits --------------------------------------------------------------


def test_an_admin_edit_survives_a_reseed_and_reset_restores_the_file(Session):
    with Session.begin() as s:
        _category(s, first_response_minutes=25, forward_minutes=90)
        save_agency(s, actor=ADMIN, now=now_utc(), code="DLH", name="DLH baru", kind="city", active=True, create=False)
        post = s.query(ResponderPost).filter_by(code="DAMKAR-1").one()
        post.phone = "0618820000"
    with Session.begin() as s:  # what `make run` does on every start
        counts = load_reference(s) | load_samples(s)
    assert counts["categories"] == 0 and counts["agencies"] == 0
    with Session() as s:
        assert s.get(Category, "jalan-rusak").first_response_minutes == 25
        assert s.get(Agency, "DLH").name == "DLH baru"
        assert s.query(ResponderPost).filter_by(code="DAMKAR-1").one().phone == "0618820000"
    with Session.begin() as s:
        s.delete(s.get(Category, "perumahan"))  # a missing row is added back by a plain reseed
    with Session.begin() as s:
        assert load_reference(s)["categories"] == 1
    with Session.begin() as s:
        load_reference(s, reset=True)
        load_samples(s, reset=True)
    with Session() as s:
        assert s.get(Category, "jalan-rusak").first_response_minutes == 10
        assert s.get(Agency, "DLH").name.startswith("Dinas Lingkungan Hidup")
        assert s.query(ResponderPost).filter_by(code="DAMKAR-1").one().phone is None
        reset = s.query(AdminChange).filter_by(action="reset", entity="category", entity_key="jalan-rusak").one()
        assert reset.changes["first_response_minutes"] == [25, 10]


def test_migration_0004a_goes_down_and_up(database_url):
    from sqlalchemy import inspect

    from data_access import migrate

    migrate.upgrade(database_url, "0004a")
    engine = make_engine(database_url)
    assert "admin_changes" in inspect(engine).get_table_names()
    migrate.downgrade(database_url, "0003")
    assert "admin_changes" not in inspect(engine).get_table_names()
    migrate.upgrade(database_url, "0004a")
    assert {c["name"] for c in inspect(engine).get_columns("admin_changes")} >= {"actor", "entity", "entity_key", "changes"}
    engine.dispose()


@pytest.mark.parametrize("role", ["operator", "supervisor", "agency", "mayor", None])
def test_only_admins_change_reference_data_whoever_calls(migrated_url, role):
    """The data layer refuses, not the screen: a forged call as another role writes nothing."""
    from data_access.actions import Forbidden
    from data_access.models import AdminChange

    Session = make_session_factory(make_engine(migrated_url))
    someone = Actor(f"{role}:x", role)
    with Session.begin() as s, pytest.raises(Forbidden):
        create_account(s, actor=someone, now=now_utc(), username="nakal", display_name="Nakal", role="admin")
    with Session.begin() as s, pytest.raises(Forbidden):
        save_category(
            s, actor=someone, now=now_utc(), code="jalan-rusak", create=False, name_id="X", name_en="X",
            group="infrastruktur", default_agency_code="DPUPR", active=True,
        )  # fmt: skip
    with Session() as s:
        assert s.query(AdminChange).count() == 0
