"""The journeys reuse the small catalog of the cases tests, with the applicant's identity fields an item's form
asks (as every demo item does: core.demo.catalog PERSON_FIELDS)."""

from __future__ import annotations

import pytest

from tests.cases.conftest import Catalog, fast_passwords, media  # noqa: F401 - fixtures used by the journeys
from tests.cases.conftest import catalog as small_catalog  # noqa: F401


@pytest.fixture
def catalog(small_catalog: Catalog) -> Catalog:  # noqa: F811
    from onewindow.bundles.models import FormField

    for order, (key, label, kind) in enumerate((("applicant_name", "申请人姓名", "text"),
                                                ("id_number", "居民身份证号码", "id_number"),
                                                ("mobile", "手机号码", "mobile"))):
        for item in (small_catalog.employ, small_catalog.market):
            FormField.objects.create(item=item, key=key, label=label, kind=kind, required=True, order=order)
    return small_catalog

