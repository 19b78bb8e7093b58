"""A lesson's shared blocks are rendered once for everyone; its H5P activities never are: each reader's page must
carry a player address that grants that reader, not the first reader's."""

import re

import pytest

from h5p.player import grant_read
from tests.factories import UserFactory
from tests.h5p.conftest import enrol

IFRAME_TOKEN = re.compile(r'<iframe[^>]*\ssrc="/h5p/play/(?P<token>[^"/]+)/"')


@pytest.mark.django_db
def test_each_reader_gets_their_own_player_address(client, learner, h5p_lesson):
    other = UserFactory()
    enrol(learner, h5p_lesson)
    enrol(other, h5p_lesson)
    tokens = {}
    for user in (learner, other):
        client.force_login(user)
        html = client.get(h5p_lesson.url).content.decode()
        assert "Responda la pregunta." in html  # the shared paragraph
        tokens[user.pk] = IFRAME_TOKEN.search(html)["token"]

    assert grant_read(tokens[learner.pk]).user_id == learner.pk
    assert grant_read(tokens[other.pk]).user_id == other.pk


@pytest.mark.django_db
def test_each_activity_shows_its_own_result(client, learner, catalog, h5p_package, django_assert_max_num_queries):
    from h5p.models import H5PAttempt
    from tests.h5p.conftest import h5p_block, lesson_with_h5p

    lesson = lesson_with_h5p(catalog, h5p_block("act-1", h5p_package), h5p_block("act-2", h5p_package),
                             h5p_block("act-3", h5p_package))
    enrollment = enrol(learner, lesson)
    H5PAttempt.objects.create(enrollment=enrollment, lesson_key=lesson.translation_key, block_id="act-2",
                              package=h5p_package, score=3, max_score=4, completed=True)
    client.force_login(learner)
    client.get(lesson.url)  # routes, links and shared blocks are now cached

    with django_assert_max_num_queries(8):  # the attempts are read once for the three activities, not thrice
        html = client.get(lesson.url).content.decode()

    def status(block: str) -> str:  # the text of the activity's status line
        section = html.split(f'aria-labelledby="h5p-{block}-title"')[1].split("</section>")[0]
        return section.split("data-h5p-status")[1].split(">", 1)[1].split("</p>")[0]

    assert "Activity completed." in status("act-2") and "3 of 4" in status("act-2")
    assert status("act-1").strip() == status("act-3").strip() == ""
