"""The 95598 intake in Chromium (issue 18): as the agent types the customer's words, the
knowledge base suggests the scripts and FAQs; 插入话术 puts the script into the description in
one click and is counted; the knowledge search page shows marked snippets. No script refused
by the Content-Security-Policy, nothing internal on screen."""

from __future__ import annotations

from typing import Any

import pytest

from gridcare.core.browser_testing import BROWSER, look, shown_internals, sign_in
from gridcare.core.testing import City
from gridcare.knowledge.models import Article
from gridcare.knowledge.tests.conftest import Publish

pytestmark = BROWSER


@pytest.mark.django_db(transaction=True)
def test_the_agent_inserts_a_suggested_script_into_the_description(
    town: City, live_server: Any, browser: Any, publish: Publish
) -> None:
    script = publish(
        "故障报修受理话术",
        "非常抱歉停电给您带来不便，请先看一下家里总开关有没有跳闸。",
        kind="script",
    )
    faq = publish("家里停电了怎么办", "先检查漏电保护器，再查看停电通知。", kind="faq", audience="public")
    page = sign_in(browser, live_server, town.agent)
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/workorders/new/")
    page.fill("#id_text", "")
    page.type("#id_text", "客户说家里停电了", delay=20)
    page.wait_for_selector("#knowledge-suggestion-list li[data-article]")
    listed = page.inner_text("#knowledge-suggestions")
    assert "故障报修受理话术" in listed and "家里停电了怎么办" in listed
    look(page, "knowledge-intake-suggestions", "desk")
    page.click(f"li[data-article='{script.pk}'] [data-insert-script]")
    page.wait_for_function("document.querySelector('#id_text').value.includes('总开关')")
    value = page.input_value("#id_text")
    assert value.startswith("客户说家里停电了\n非常抱歉停电给您带来不便")
    page.wait_for_timeout(300)
    assert Article.objects.get(pk=script.pk).inserts == 1
    assert not page.query_selector(f"li[data-article='{faq.pk}'] [data-insert-script]")  # FAQs are read, not inserted
    page.goto(f"{live_server.url}/knowledge/?q=断电")
    page.wait_for_selector("#results mark")
    assert "停电" in page.inner_text("#results mark")
    assert not shown_internals(page.inner_text("body"))
    assert not [m for m in refused if "Content Security Policy" in m], refused
