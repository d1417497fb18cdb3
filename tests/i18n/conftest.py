import pytest


@pytest.fixture(scope="module")
def demo_catalog(django_db_setup, django_db_blocker):
    """The demo's real catalog and bundles (English names included), loaded once per module, rolled back after."""
    from django.db import transaction

    from onewindow.demo import bundles as bundles_demo
    from onewindow.demo import catalog as catalog_demo

    with django_db_blocker.unblock(), transaction.atomic():
        catalog_demo.load()
        bundles_demo.load()
        yield
        transaction.set_rollback(True)
