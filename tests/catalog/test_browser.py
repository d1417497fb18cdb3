from pathlib import Path

import pytest

from tests.catalog.conftest import SmallCatalog


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_citizen_searches_the_catalog_opens_a_guide_and_downloads_its_pdf(page, small_catalog: SmallCatalog,
                                                                        tmp_path: Path) -> None:
    page.goto(page.base_url + "/catalog/")
    assert page.locator(".item-card").count() == 4
    page.fill("#catalog-q", "社保卡")
    page.click("form.search-big button[type=submit]")
    page.wait_for_url("**/catalog/?q=*")
    cards = page.locator(".item-card")
    assert cards.count() == 1
    cards.first.locator("a.item-name").click()
    page.wait_for_url("**/catalog/items/T-002/")
    assert page.locator("h1").inner_text() == "社会保障卡申领"
    assert page.locator(".material").count() == 2
    with page.expect_download() as info:
        page.click("text=下载 PDF")
    target = tmp_path / "guide.pdf"
    info.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")
