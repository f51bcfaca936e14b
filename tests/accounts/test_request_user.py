"""The signed-in user is read with their roles and the training banner's flag in one query."""

from accounts.backends import user_with_roles
from accounts.roles import Role
from accounts.services import user_set_roles


def test_roles_and_flags_come_with_the_user(msl, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = user_with_roles(msl.pk)
        assert user.role_names == {Role.MSL}
        assert user.ae_training_lapsed is False


def test_a_role_change_is_read_by_the_next_request(msl):
    user_set_roles(actor=None, user=msl, roles=[Role.MANAGER])
    assert user_with_roles(msl.pk).role_names == {Role.MANAGER}


def test_a_page_pays_for_the_session_and_the_user_only(client, msl, django_assert_max_num_queries):
    client.force_login(msl)
    # The benchmark's floor page makes one query of its own; with Redis the session is read
    # from the cache, and only the user is left.
    with django_assert_max_num_queries(3):
        response = client.get("/bench/floor/")
    assert response.status_code == 200
