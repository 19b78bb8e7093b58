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
