"""Every measure of the capacity metrics, worked out by hand on the `dataset` fixture (see conftest.py).

Who counts where, without filters:

- enrolments (accepted: active, completed, withdrawn): A, B, C, D (C1) and E (C2) = 5; F (pending) and
  G (rejected) are requests, not enrolments.
- completions: A, B (C1), E (C2) = 3; completion rate 3 of 5 = 60.0 (D's withdrawal lowers it).
- active learners (a month of lesson activity): A, B, C, D, E = 5.
- certificates (valid only): A's C1, E's C2, E's S1 attendance = 3; B's is revoked.
- officials trained (completed a course or reached a seminar's attendance): A, B, E = 3; G attended one
  session of three (below the 75 % threshold).
- institutions (of those enrolled or registered): gt_migration (A, D), mx_foreign (B, G), co_migration (C),
  hn_interior (E) = 4.
- course hours: 8 (A) + 8 (B) + 12 (E) = 28; seminar hours: E 3 sessions + G 1 session of one hour = 4;
  training hours 32.
- average final-assessment score: A best of 60 and 90 = 90, B 70, C 40 → 200 / 3 = 66.7 (E's 100 is on a
  lesson that is not a final assessment).
- seminar participants (confirmed): E, G (S1) and A (S2) = 3; H is waitlisted.
- attendance rate (seminars that have ended: S1 only): E attended, G did not → 50.0.
"""

import datetime
from decimal import Decimal

import pytest

from crm.models import CrmCountry
from metrics import selectors
from metrics.models import Offering, OfferingSession
from metrics.services import offerings_rebuild
from tests.courses.conftest import publish

pytestmark = pytest.mark.django_db

NOTHING = {
    "enrolments": 0, "active_learners": 0, "completions": 0, "completion_rate": None, "certificates": 0,
    "officials_trained": 0, "institutions": 0, "training_hours": 0, "course_hours": 0, "seminar_hours": 0,
    "average_score": None, "seminar_participants": 0, "attendance_rate": None,
}

REGION = selectors.Scope()

FEB_MAR = {"start": datetime.date(2025, 2, 1), "end": datetime.date(2025, 3, 31)}


def figures(**filters) -> dict:
    return selectors.headline(REGION, selectors.Filters(**filters))


def expect(**measures) -> dict:
    return {**NOTHING, **measures}


def test_headline_without_filters(dataset):
    assert figures() == expect(
        enrolments=5, active_learners=5, completions=3, completion_rate=60.0, certificates=3,
        officials_trained=3, institutions=4, training_hours=32, course_hours=28, seminar_hours=4,
        average_score=66.7, seminar_participants=3, attendance_rate=50.0)


def test_headline_hours_are_decimals(dataset):
    result = figures()
    assert isinstance(result["training_hours"], Decimal) and isinstance(result["seminar_hours"], Decimal)
    assert result["training_hours"] == result["course_hours"] + result["seminar_hours"]


def test_headline_for_a_period_counts_each_measure_by_its_own_event(dataset):
    # February and March 2025:
    # - enrolments requested in the period: C (02-05), E (02-10) = 2; A, B, D asked in January;
    # - completions in the period: A (02-20), B (03-05) = 2 (E completed 04-15);
    # - completion rate of the period's cohort: of C and E, E has completed = 50.0;
    # - active: A (Feb), B (02-28 23:30 local: February), C (Mar) = 3; D (Jan) and E (Apr) are outside;
    # - certificates issued in the period: A's (02-20) = 1; E's two were issued in April;
    # - officials trained: A, B by completion; E reached S1's attendance on 04-01 03:00, outside = 2;
    # - institutions: enrolled C (co), E (hn); S1 starts 03-31 20:00, so its participants E (hn), G (mx) = 3;
    # - course hours 8 + 8 = 16; seminar hours: sessions at 03-31 20:00 and 23:00 are in, the one at 04-01
    #   02:00 is not: E 2 + G 1 = 3; training hours 19;
    # - average score of attempts made in the period: A best 90 (60, 90), B 70; C's 40 was on 04-10 = 80.0;
    # - seminar participants of seminars starting in the period: E, G = 2 (S2 is in 2099);
    # - attendance rate: S1 has ended; E attended, G did not = 50.0.
    assert figures(**FEB_MAR) == expect(
        enrolments=2, active_learners=3, completions=2, completion_rate=50.0, certificates=1,
        officials_trained=2, institutions=3, training_hours=19, course_hours=16, seminar_hours=3,
        average_score=80.0, seminar_participants=2, attendance_rate=50.0)


def test_headline_from_a_start_date_only(dataset):
    # From 1 April 2025 on: no enrolment was requested (rate None); E completed C2 (04-15, 12 h) and reached
    # S1's attendance (04-01 03:00); S1's third session (04-01 02:00) is E's 1 h (G was absent); S1 started
    # before, so participants are S2's: A (gt_migration), not ended; certificates: E's two; active: E (Apr);
    # average: C's 40 (04-10).
    assert figures(start=datetime.date(2025, 4, 1)) == expect(
        active_learners=1, completions=1, certificates=2, officials_trained=1, institutions=1, training_hours=13,
        course_hours=12, seminar_hours=1, average_score=40.0, seminar_participants=1)


def test_headline_for_a_period_with_nothing_in_it(dataset):
    assert figures(start=datetime.date(2024, 1, 1), end=datetime.date(2024, 12, 31)) == NOTHING


def test_the_country_at_enrolment_counts_not_the_current_one(dataset):
    # B lives in GT now, but enrolled from MX: GT has A and D only.
    assert dataset.users.b.country == "GT"
    # GT: A (completed C1, 8 h, best 90, valid certificate), D (withdrawn); A on S2 (not ended).
    assert figures(countries=("GT",)) == expect(
        enrolments=2, active_learners=2, completions=1, completion_rate=50.0, certificates=1, officials_trained=1,
        institutions=1, training_hours=8, course_hours=8, average_score=90.0, seminar_participants=1)
    # MX: B (completed C1, revoked certificate, 70); G on S1 (one session, attendance not reached); H waitlisted.
    assert figures(countries=("MX",)) == expect(
        enrolments=1, active_learners=1, completions=1, completion_rate=100.0, officials_trained=1,
        institutions=1, training_hours=9, course_hours=8, seminar_hours=1, average_score=70.0,
        seminar_participants=1, attendance_rate=0.0)


def test_country_and_period_combined(dataset):
    # MX in February–March: B completed (03-05) but enrolled in January; G's one session was 03-31 20:00.
    assert figures(countries=("MX",), **FEB_MAR) == expect(
        active_learners=1, completions=1, officials_trained=1, institutions=1, training_hours=9, course_hours=8,
        seminar_hours=1, average_score=70.0, seminar_participants=1, attendance_rate=0.0)


def test_member_states_and_observers(dataset):
    # Colombia is an observer country (crm reference data); everybody else here is from a member state.
    assert dict(CrmCountry.objects.filter(country__in=("CO", "GT", "HN", "MX")).values_list("country", "status")) == {
        "CO": "observer", "GT": "member", "HN": "member", "MX": "member"}
    assert figures(country_status="observer") == expect(
        enrolments=1, active_learners=1, completion_rate=0.0, institutions=1, average_score=40.0)
    # Members: A, B, D, E enrolled (3 completed); institutions gt, mx, hn; scores 90 and 70.
    assert figures(country_status="member") == expect(
        enrolments=4, active_learners=4, completions=3, completion_rate=75.0, certificates=3, officials_trained=3,
        institutions=3, training_hours=32, course_hours=28, seminar_hours=4, average_score=80.0,
        seminar_participants=3, attendance_rate=50.0)


def test_gender(dataset):
    # Women: A, C, E enrolled (A, E completed: 8 + 12 h); E, G on S1 (3 + 1 h), A on S2; scores 90 and 40.
    assert figures(gender="female") == expect(
        enrolments=3, active_learners=3, completions=2, completion_rate=66.7, certificates=3, officials_trained=2,
        institutions=4, training_hours=24, course_hours=20, seminar_hours=4, average_score=65.0,
        seminar_participants=3, attendance_rate=50.0)
    # Men: B (completed), D (withdrawn); H is only waitlisted.
    assert figures(gender="male") == expect(
        enrolments=2, active_learners=2, completions=1, completion_rate=50.0, officials_trained=1, institutions=2,
        training_hours=8, course_hours=8, average_score=70.0)


def test_institution_and_institution_type(dataset):
    # hn_interior: E only (C2 completed, 12 h; S1 all three sessions, attended; two valid certificates).
    assert figures(institution=dataset.hn_interior.pk) == expect(
        enrolments=1, active_learners=1, completions=1, completion_rate=100.0, certificates=2, officials_trained=1,
        institutions=1, training_hours=15, course_hours=12, seminar_hours=3, seminar_participants=1,
        attendance_rate=100.0)
    # Migration authorities: A, D (gt_migration) and C (co_migration); A's S2 registration.
    assert figures(institution_type="migration") == expect(
        enrolments=3, active_learners=3, completions=1, completion_rate=33.3, certificates=1, officials_trained=1,
        institutions=2, training_hours=8, course_hours=8, average_score=65.0, seminar_participants=1)


def test_course_counts_every_language_version_and_drops_seminars(dataset):
    # C1 in Spanish (A, D) and English (B, C) is one course.
    c1 = expect(enrolments=4, active_learners=4, completions=2, completion_rate=50.0, certificates=1,
                officials_trained=2, institutions=3, training_hours=16, course_hours=16, average_score=66.7)
    assert figures(course=dataset.c1.translation_key) == c1
    assert figures(course=dataset.c1_en.translation_key) == c1
    assert figures(modality="self_paced") == c1
    assert figures(line=dataset.lines["training"]) == c1
    assert figures(topic=dataset.topics["trafficking-in-persons"]) == c1


def test_language_separates_the_versions_of_one_course(dataset):
    # English: B (completed, 70, revoked certificate) and C (active, 40); the seminars are Spanish.
    assert figures(language="en") == expect(
        enrolments=2, active_learners=2, completions=1, completion_rate=50.0, officials_trained=1, institutions=2,
        training_hours=8, course_hours=8, average_score=55.0)
    # Spanish: A, D (C1), E (C2); all seminar registrations.
    assert figures(language="es") == expect(
        enrolments=3, active_learners=3, completions=2, completion_rate=66.7, certificates=3, officials_trained=2,
        institutions=3, training_hours=24, course_hours=20, seminar_hours=4, average_score=90.0,
        seminar_participants=3, attendance_rate=50.0)
    assert figures(language="fr") == NOTHING


def test_line_topic_modality_network(dataset):
    e_in_c2 = expect(enrolments=1, active_learners=1, completions=1, completion_rate=100.0, certificates=1,
                     officials_trained=1, institutions=1, training_hours=12, course_hours=12)
    assert figures(line=dataset.lines["projects"]) == e_in_c2
    assert figures(network=dataset.network.pk) == e_in_c2
    assert figures(modality="instructor_led") == e_in_c2
    # Seminars line: S1 (E, G) and S2 (A); E's attendance certificate.
    assert figures(line=dataset.lines["seminars"]) == expect(
        certificates=1, officials_trained=1, institutions=3, training_hours=4, seminar_hours=4,
        seminar_participants=3, attendance_rate=50.0)
    # Consular protection: C2 (E) and S1 (E, G).
    assert figures(topic=dataset.topics["consular-protection"]) == expect(
        enrolments=1, active_learners=1, completions=1, completion_rate=100.0, certificates=2, officials_trained=1,
        institutions=2, training_hours=16, course_hours=12, seminar_hours=4, seminar_participants=2,
        attendance_rate=50.0)
    # Online: S2 only, which has not taken place yet.
    assert figures(modality="online") == expect(institutions=1, seminar_participants=1)
    assert figures(topic=dataset.topics["migration-data"]) == NOTHING


# --- Breakdowns and months ---------------------------------------------------------------------------------


def table(rows) -> list[tuple]:
    return [(r.key, r.enrolments, r.completions, r.completion_rate, r.learners, r.participants, r.officials_trained,
             r.training_hours) for r in rows]


def test_breakdown_by_country(dataset):
    rows = selectors.breakdown(REGION, selectors.Filters(), ("country",))
    # key, enrolments, completions, rate, learners, participants, trained, hours
    assert table(rows) == [
        (("GT",), 2, 1, 50.0, 2, 1, 1, 8),     # A, D; A on S2
        (("HN",), 1, 1, 100.0, 1, 1, 1, 15),   # E: C2 12 h + S1 3 h
        (("MX",), 1, 1, 100.0, 1, 1, 1, 9),    # B (C1 8 h); G on S1 (1 h)
        (("CO",), 1, 0, 0.0, 1, 0, 0, 0),      # C
    ]


def test_breakdown_by_country_and_line(dataset):
    training, projects, seminars = (dataset.lines[slug] for slug in ("training", "projects", "seminars"))
    rows = selectors.breakdown(REGION, selectors.Filters(), ("country", "line"))
    assert table(rows) == [
        (("GT", training), 2, 1, 50.0, 2, 0, 1, 8),
        (("CO", training), 1, 0, 0.0, 1, 0, 0, 0),
        (("HN", projects), 1, 1, 100.0, 1, 0, 1, 12),
        (("MX", training), 1, 1, 100.0, 1, 0, 1, 8),
        (("GT", seminars), 0, 0, None, 0, 1, 0, 0),
        (("HN", seminars), 0, 0, None, 0, 1, 1, 3),
        (("MX", seminars), 0, 0, None, 0, 1, 0, 1),
    ]


def test_breakdown_by_topic(dataset):
    topics = dataset.topics
    rows = selectors.breakdown(REGION, selectors.Filters(), ("topic",))
    # A seminar with two topics counts under each; S2 has none.
    assert table(rows) == [
        ((topics["trafficking-in-persons"],), 4, 2, 50.0, 4, 0, 2, 16),
        ((topics["consular-protection"],), 1, 1, 100.0, 1, 2, 1, 16),
        ((topics["human-rights-of-migrants"],), 0, 0, None, 0, 2, 1, 4),
        ((None,), 0, 0, None, 0, 1, 0, 0),
    ]


def test_breakdown_by_topic_within_a_topic_filter(dataset):
    # S1 is also about human rights, but the filter asks for consular protection: one row, hours included.
    consular = dataset.topics["consular-protection"]
    rows = selectors.breakdown(REGION, selectors.Filters(topic=consular), ("topic",))
    assert table(rows) == [((consular,), 1, 1, 100.0, 1, 2, 1, 16)]

def test_breakdown_by_offering_counts_a_translated_course_once(dataset):
    rows = selectors.breakdown(REGION, selectors.Filters(), ("offering",))
    assert table(rows) == [
        ((str(dataset.c1.translation_key),), 4, 2, 50.0, 4, 0, 2, 16),
        ((str(dataset.c2.translation_key),), 1, 1, 100.0, 1, 0, 1, 12),
        ((str(dataset.s1.translation_key),), 0, 0, None, 0, 2, 1, 4),
        ((str(dataset.s2.translation_key),), 0, 0, None, 0, 1, 0, 0),
    ]


def test_breakdown_by_country_for_a_period(dataset):
    rows = selectors.breakdown(REGION, selectors.Filters(**FEB_MAR), ("country",))
    # CO: C enrolled 02-05; HN: E enrolled 02-10 and has completed since (04-15: rate 100, no completion in
    # the period), on S1 (2 sessions in the period), attendance on 04-01;
    # MX: B completed 03-05 (enrolled in January), G on S1 (1 session); GT: A completed 02-20 (enrolled in
    # January), A's seminar is in 2099.
    assert table(rows) == [
        (("HN",), 1, 0, 100.0, 1, 1, 0, 2),
        (("CO",), 1, 0, 0.0, 1, 0, 0, 0),
        (("MX",), 0, 1, None, 0, 1, 1, 9),
        (("GT",), 0, 1, None, 0, 0, 1, 8),
    ]


def test_monthly(dataset):
    rows = selectors.monthly(REGION, selectors.Filters())
    assert rows == [
        {"month": datetime.date(2025, 1, 1), "enrolments": 3, "completions": 0, "participants": 0},  # A, B, D
        {"month": datetime.date(2025, 2, 1), "enrolments": 2, "completions": 1, "participants": 0},  # C, E; A
        {"month": datetime.date(2025, 3, 1), "enrolments": 0, "completions": 1, "participants": 2},  # B; S1
        {"month": datetime.date(2025, 4, 1), "enrolments": 0, "completions": 1, "participants": 0},  # E
        {"month": datetime.date(2099, 6, 1), "enrolments": 0, "completions": 0, "participants": 1},  # S2
    ]


def test_monthly_within_a_period_and_a_country(dataset):
    assert selectors.monthly(REGION, selectors.Filters(**FEB_MAR)) == [
        {"month": datetime.date(2025, 2, 1), "enrolments": 2, "completions": 1, "participants": 0},
        {"month": datetime.date(2025, 3, 1), "enrolments": 0, "completions": 1, "participants": 2},
    ]
    assert selectors.monthly(REGION, selectors.Filters(countries=("MX",))) == [
        {"month": datetime.date(2025, 1, 1), "enrolments": 1, "completions": 0, "participants": 0},
        {"month": datetime.date(2025, 3, 1), "enrolments": 0, "completions": 1, "participants": 1},
    ]


# --- Offerings follow the pages ----------------------------------------------------------------------------


def test_offering_follows_a_republish(dataset):
    lines = dataset.lines
    c1 = dataset.c1
    c1.action_plan_line_id = lines["projects"]
    c1.title = "Trata de personas (2.ª edición)"
    publish(c1)
    offering = Offering.objects.get(key=c1.translation_key)
    assert (offering.action_plan_line_id, offering.title) == (lines["projects"], "Trata de personas (2.ª edición)")
    # Publishing the English version again keeps the Spanish (default language) version's attributes.
    publish(dataset.c1_en)
    assert Offering.objects.get(key=c1.translation_key).action_plan_line_id == lines["projects"]

    rows = selectors.breakdown(REGION, selectors.Filters(), ("line",))
    assert table(rows) == [
        ((lines["projects"],), 5, 3, 60.0, 5, 0, 3, 28),
        ((lines["seminars"],), 0, 0, None, 0, 3, 1, 4),
    ]
    assert figures(line=lines["training"]) == NOTHING


def offering_snapshot() -> list[tuple]:
    offerings = [
        (o.key, o.kind, o.title, o.action_plan_line_id, o.modality, o.hours, o.network_id, o.host_country,
         o.starts_at, o.ends_at, sorted(o.topics.values_list("pk", flat=True)))
        for o in Offering.objects.order_by("key")
    ]
    sessions = list(OfferingSession.objects.order_by("key").values_list("key", "offering_id", "starts_at", "hours"))
    return offerings + sessions


def test_rebuild_reproduces_what_publishing_synced(dataset):
    synced = offering_snapshot()
    before = figures()
    assert Offering.objects.count() == 4 and OfferingSession.objects.count() == 4
    Offering.objects.all().delete()
    assert figures()["course_hours"] == 0  # the join finds no offering: hours come from it

    assert offerings_rebuild() == 4
    assert offering_snapshot() == synced
    assert figures() == before

