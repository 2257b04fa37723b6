"""Synonyms find each other both ways; snippets mark the query's words (and their synonyms) and
escape the article's HTML."""

from __future__ import annotations

from datetime import date

from gridcare.core.testing import City
from gridcare.knowledge import search
from gridcare.knowledge.rules import segment
from gridcare.knowledge.rules.snippet import mark, snippet
from gridcare.knowledge.tests.conftest import Publish

ON = date(2026, 6, 1)


def test_each_synonym_is_indexed_as_its_group_word() -> None:
    assert segment.tokens("账单") == ["电费单"]
    assert segment.tokens("电费单") == ["电费", "电费单"]  # search mode: the word and its dictionary parts
    assert segment.canonical("断电") == "停电"
    assert segment.canonical("交费") == "缴费"
    assert segment.canonical("电能表") == "电表"


def test_the_domain_dictionary_keeps_power_terms_whole() -> None:
    words = segment.words("一户一表居民执行峰谷电价和阶梯电价，过户增容销户都能办")
    for term in ("一户一表", "峰谷电价", "阶梯电价", "过户", "增容", "销户"):
        assert term in words


def test_stop_words_and_punctuation_are_left_out() -> None:
    assert segment.words("请问，怎么了？") == []


def test_a_synonym_finds_the_article_both_ways(town: City, publish: Publish) -> None:
    bill = publish("电费单怎么看", "本期示数和用电量。")
    power = publish("账单查询", "网上国网可查。")
    for query in ("账单", "电费单", "电费账单"):
        found = {r.id for r in search.search(query, company_id=town.company.pk, internal=True, on=ON).items}
        assert found == {bill.pk, power.pk}, query


def test_the_snippet_marks_the_words_and_their_synonyms(town: City, publish: Publish) -> None:
    publish("停电处理", "如果家中断电，请先检查漏电保护器，再看停电通知。")
    found = search.search("停电", company_id=town.company.pk, internal=True, on=ON)
    text = str(found.items[0].snippet)
    assert "<mark>断电</mark>" in text and "<mark>停电</mark>" in text
    assert str(found.items[0].title_html) == "<mark>停电</mark>处理"


def test_the_snippet_escapes_html(town: City, publish: Publish) -> None:
    publish("阶梯电价说明", '<script>alert("x")</script> 阶梯电价 & 峰谷 <b>粗体</b>')
    item = search.search("阶梯电价", company_id=town.company.pk, internal=True, on=ON).items[0]
    text = str(item.snippet)
    assert "<script>" not in text and "<b>" not in text
    assert "&lt;/script&gt;" in text and "&amp;" in text and "&lt;b&gt;" in text
    assert "<mark>阶梯电价</mark>" in text


def test_mark_and_snippet_exactly() -> None:
    assert mark("a<b>电费</b>", ["电费"]) == "a&lt;b&gt;<mark>电费</mark>&lt;/b&gt;"
    assert snippet("开头" + "字" * 100 + "违约金结尾", ["违约金"], width=10) == "…字字<mark>违约金</mark>结尾"
    assert snippet("没有命中", ["电费"]) == "没有命中"
