import pytest

from tests.e2e.conftest import shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_logs_in_and_switches_language_in_a_real_browser(browse, officer):
    officer.language = ""
    officer.save(update_fields=["language"])
    page = browse(language="zh-hans")
    page.goto(f"{page.base_url}/login/")
    assert page.locator("h1").inner_text() == "登录"
    shoot(page, "login-zh")

    page.fill("#id_username", "officer")
    page.fill("#id_password", "wrong")
    page.click("form[action='/login/'] button")
    assert page.locator(".alert-danger").is_visible()

    from tests.factories import PASSWORD

    page.fill("#id_password", PASSWORD)
    page.click("form[action='/login/'] button")
    page.wait_for_url(f"{page.base_url}/")
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    shoot(page, "home-en")
    officer.refresh_from_db()
    assert officer.language == "en"
