"""A citizen's journey on the phone and an anonymous visitor's: apply for a bundle (the applicant's details once,
files kept after a refusal, the 申请表 to download), the receipt (page and PDF), progress; every page fits a 390 px
phone in large type. Browser tests are marked `browser` (Playwright on Debian's chromium)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from onewindow.cases.models import Application
from onewindow.core.access import Role

from ..cases.conftest import JPEG, PDF, PNG, valid_id

APPLY = "/cases/apply/bundle/T-HIRE/?food=yes"
SCREENSHOTS = Path("/tmp/ow_journeys")


def applicant_fields(**over: str) -> dict[str, str]:
    data = {"applicant.kind": "person", "applicant.name": "林晓梅", "applicant.id_number": valid_id(),
            "applicant.phone": "13905931234", "form.employer": "福安市闽东电机有限公司", "form.start_date": "2026-03-02"}
    data.update(over)
    return data


def files(**which: tuple[str, bytes]) -> dict[str, SimpleUploadedFile]:
    return {f"material.{code}": SimpleUploadedFile(name, blob) for code, (name, blob) in which.items()}


# --------------------------------------------------------------------------- the form: each thing asked once


@pytest.mark.django_db
def test_the_bundle_form_asks_name_id_number_and_phone_once(catalog, media) -> None:
    html = Client().get(APPLY).content.decode()
    # the applicant block asks them; the merged form's copies are hidden for a person (shown for an enterprise)
    assert html.count('name="applicant.id_number"') == 1
    for key in ("applicant_name", "id_number", "mobile"):
        label = re.search(rf'<label([^>]*)>[^<]*\s*(?:<[^>]+>\s*)*<input name="form\.{key}"', html)
        assert label and 'data-applicant-kind="enterprise"' in label.group(1), key
    assert "自动用于每个事项" in html


@pytest.mark.django_db
def test_the_applicants_details_fill_every_items_form(catalog, media) -> None:
    client = Client()
    data = {**applicant_fields(idem="once-1"), **files(**{"M-ID": ("id.jpg", JPEG), "M-CONTRACT": ("c.pdf", PDF),
                                                           "M-PHOTO": ("p.png", PNG)})}
    response = client.post(APPLY, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    app = Application.objects.get()
    form = app.form_data
    assert form["applicant_name"] == "林晓梅" and form["mobile"] == "13905931234" and form["id_number"] == valid_id()


@pytest.mark.django_db
def test_a_wrong_phone_is_shown_at_the_applicant_field_once(catalog, media) -> None:
    html = Client().post(APPLY, applicant_fields(**{"applicant.phone": "139", "idem": "w-1"})).content.decode()
    assert html.count("手机号码应为11位") == 1


# --------------------------------------------------------------------------- files kept after a refusal


@pytest.mark.django_db
def test_files_chosen_before_a_refusal_are_kept_and_used_on_the_next_try(catalog, media) -> None:
    client = Client()
    first = client.post(APPLY, {**applicant_fields(**{"applicant.phone": "139", "idem": "keep-1"}),
                                **files(**{"M-ID": ("身份证.jpg", JPEG), "M-CONTRACT": ("合同.pdf", PDF)})})
    assert first.status_code == 400
    html = first.content.decode()
    assert "已上传" in html and "身份证.jpg" in html and "合同.pdf" in html and "无需重新选择" in html
    assert Application.objects.count() == 0
    # the second try sends only the missing photo: the kept ID card and contract go with it
    second = client.post(APPLY, {**applicant_fields(idem="keep-1"), **files(**{"M-PHOTO": ("p.png", PNG)})})
    assert second.status_code == 302, second.content.decode()[:3000]
    app = Application.objects.get()
    names = {m.material.code for m in app.submitted_materials.select_related("material") if m.file}
    assert names == {"M-ID", "M-CONTRACT", "M-PHOTO"}
    assert not list((Path(media) / "pending").rglob("*.*")), "the pending copies are deleted once submitted"


@pytest.mark.django_db
def test_a_kept_file_can_be_removed_and_a_refused_file_is_not_kept(catalog, media) -> None:
    client = Client()
    client.post(APPLY, {**applicant_fields(**{"applicant.phone": "139", "idem": "keep-2"}),
                        **files(**{"M-ID": ("id.jpg", JPEG), "M-CONTRACT": ("bad.pdf", b"not a pdf")})})
    html = client.post(APPLY, {**applicant_fields(**{"applicant.phone": "139", "idem": "keep-2"}),
                               "pending_remove": "M-ID"}).content.decode()
    assert "id.jpg" not in html and "bad.pdf" not in html
    assert "请上传「居民身份证」" in html


@pytest.mark.django_db
def test_kept_files_belong_to_the_browser_session_that_chose_them(catalog, media) -> None:
    Client().post(APPLY, {**applicant_fields(**{"applicant.phone": "139", "idem": "keep-3"}),
                          **files(**{"M-ID": ("id.jpg", JPEG)})})
    other = Client().post(APPLY, {**applicant_fields(**{"applicant.phone": "139", "idem": "keep-3"})})
    assert "id.jpg" not in other.content.decode()


# --------------------------------------------------------------------------- the 申请表 and the receipt PDF


@pytest.mark.django_db
def test_the_application_form_can_be_downloaded_from_the_apply_page(catalog, media) -> None:
    html = Client().get(APPLY).content.decode()
    link = re.search(r'href="(/cases/apply/bundle/T-HIRE/form\.pdf\?food=yes)"', html)
    assert link, "the apply page links to the 申请表"
    pdf = Client().get(link.group(1).replace("&amp;", "&"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert 'filename="' in pdf["Content-Disposition"] and "attachment" in pdf["Content-Disposition"]


@pytest.mark.django_db
def test_the_form_pdf_of_an_unknown_bundle_is_a_404(catalog) -> None:
    assert Client().get("/cases/apply/bundle/NO-SUCH/form.pdf").status_code == 404


@pytest.mark.django_db
def test_the_receipt_pdf_says_local_time_and_its_name_starts_with_the_number(catalog, media, client_for) -> None:
    import datetime as dt
    import zoneinfo

    from onewindow.core import clock

    citizen = client_for(Role.CITIZEN)
    at = dt.datetime(2026, 12, 4, 21, 16, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    with clock.frozen(at):
        response = citizen.post(APPLY, {**applicant_fields(idem="r-1"), **files(
            **{"M-ID": ("id.jpg", JPEG), "M-CONTRACT": ("c.pdf", PDF), "M-PHOTO": ("p.png", PNG)})})
    assert response.status_code == 302
    app = Application.objects.get()
    pdf = citizen.get(f"/cases/a/{app.number}/receipt.pdf")
    assert pdf.status_code == 200
    disposition = pdf["Content-Disposition"]
    assert f'filename="{app.number}.pdf"' in disposition, disposition
    text = pdf_text(pdf.content)
    assert "2026-12-04 21:16" in text and "13:16" not in text
    for case in app.cases.all():
        assert case.number in text, f"{case.number} is printed whole"


def pdf_text(content: bytes) -> str:
    """The PDF's text as a reader sees it, line by line (poppler's pdftotext)."""
    import shutil
    import subprocess

    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True,
                          timeout=30).stdout.decode()


# --------------------------------------------------------------------------- in the browser: phone and desktop

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def new_page(browser, live_server, viewport: dict, *, large: bool):
    context = browser.new_context(locale="zh-CN", viewport=viewport, accept_downloads=True)
    if large:
        context.add_cookies([{"name": "ow_large", "value": "1", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    return page


def fits(page, name: str) -> None:
    """The page is no wider than the screen (nothing cut off on the right), and a screenshot is kept to look at."""
    width = page.viewport_size["width"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    scroll = page.evaluate("document.documentElement.scrollWidth")
    if scroll > width:
        wide = page.evaluate("""(w) => Array.from(document.querySelectorAll('main *'))
            .filter(e => e.getBoundingClientRect().right > w + 1).slice(0, 5)
            .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""", width)
        raise AssertionError(f"{name}: {scroll} px wide on a {width} px screen: {wide}")


def every_menu_link_reachable(page, name: str) -> int:
    """Open each menu group in turn: each of its links shows inside the screen."""
    width = page.viewport_size["width"]
    groups = page.locator("nav.site-nav details.nav-group")
    count = 0
    for i in range(groups.count()):
        group = groups.nth(i)
        group.locator("summary").click()
        for link in group.locator(".nav-menu a").all():
            assert link.is_visible(), f"{name}: {link.inner_text()} hidden"
            box = link.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + min(box["width"], 40) <= width, \
                f"{name}: {link.inner_text()} off screen"
            count += 1
        if i == 0:
            page.screenshot(path=str(SCREENSHOTS / f"{name}-menu.png"))
        group.locator("summary").click()
    assert page.evaluate("document.querySelector('nav.site-nav').scrollWidth <= innerWidth")
    return count


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
def test_an_anonymous_visitor_reaches_every_menu_link_and_no_page_is_too_wide(browser, live_server, catalog,
                                                                               viewport, large) -> None:
    page = new_page(browser, live_server, viewport, large=large)
    tag = f"anon-{viewport['width']}-{'large' if large else 'normal'}"
    page.goto(page.base_url + "/")
    links = every_menu_link_reachable(page, tag)
    assert links >= 8, "the public menu (guide, bundles, progress, hall, feedback, public scores…)"
    assert page.locator("nav.site-nav a", has_text="部门评分公示").count() == 1
    for path, name in (("/", "home"), ("/bundles/", "bundles"), (APPLY, "apply"), ("/cases/progress/", "progress"),
                       ("/prefs/large-type/", "405")):
        page.goto(page.base_url + path)
        fits(page, f"{tag}-{name}")
    page.context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_citizen_applies_on_a_phone_in_large_type_and_keeps_the_files_after_a_mistake(
        browser, live_server, catalog, media, make_user, tmp_path) -> None:
    from ..conftest import browser_login

    make_user("j_citizen", Role.CITIZEN)
    reviewer = make_user("j_reviewer", Role.REVIEWER, department=catalog.dept_a)
    assert reviewer
    chosen = {}
    for name, blob in (("身份证.jpg", JPEG), ("劳动合同.pdf", PDF), ("门店照片.png", PNG)):
        chosen[name] = tmp_path / name
        chosen[name].write_bytes(blob)
    page = new_page(browser, live_server, PHONE, large=True)
    browser_login(page, "j_citizen")
    page.goto(page.base_url + APPLY)
    fits(page, "citizen-apply")
    # name, ID number and phone once: the form's copies are hidden for a person
    assert not page.locator("input[name='form.id_number']").is_visible()
    page.fill("input[name='applicant.name']", "林晓梅")
    page.fill("input[name='applicant.id_number']", valid_id())
    page.fill("input[name='applicant.phone']", "139")  # a mistake
    page.fill("input[name='form.employer']", "福安市闽东电机有限公司")
    page.fill("input[name='form.start_date']", "2026-03-02")
    page.set_input_files("input[name='material.M-ID']", str(chosen["身份证.jpg"]))
    page.set_input_files("input[name='material.M-CONTRACT']", str(chosen["劳动合同.pdf"]))
    page.set_input_files("input[name='material.M-PHOTO']", str(chosen["门店照片.png"]))
    page.click("button:has-text('提交申请')")
    page.wait_for_load_state()
    assert "手机号码应为11位" in page.content()
    assert page.locator("[data-testid='kept-M-ID']").is_visible()
    fits(page, "citizen-apply-error")
    # only the phone is fixed; no file is chosen again
    page.fill("input[name='applicant.phone']", "13905931234")
    page.click("button:has-text('提交申请')")
    page.wait_for_url(re.compile(r"/cases/a/SQ\d{8}-\d{4}/$"))
    number = page.url.rstrip("/").rsplit("/", 1)[1]
    fits(page, "citizen-receipt")
    app = Application.objects.get(number=number)
    assert app.submitted_materials.count() == 3
    with page.expect_download() as download:
        page.goto(page.base_url + APPLY)
        page.click("[data-testid='form-pdf']")
    assert download.value.suggested_filename.endswith(".pdf")
    page.goto(page.base_url + "/cases/mine/")
    fits(page, "citizen-mine")
    page.goto(page.base_url + "/cases/progress/")
    fits(page, "citizen-progress")
    page.context.close()

    # the department's worklist and the case page on a phone in large type
    page = new_page(browser, live_server, PHONE, large=True)
    browser_login(page, "j_reviewer")
    page.goto(page.base_url + "/cases/worklist/")
    fits(page, "reviewer-worklist")
    case = app.cases.filter(department=catalog.dept_a).first()
    page.goto(page.base_url + f"/cases/c/{case.number}/")
    fits(page, "reviewer-case")
    page.context.close()
