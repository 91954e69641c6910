"""KBClient against a live uvicorn server on loopback: typed results, frames, and clear errors."""

from __future__ import annotations

import pandas as pd
import pytest
from apisupport import fake_loader, free_port, live_server, small_config

from search_api.app import create_app
from search_api.client import KBClient, KBClientError
from search_api.models import AnswerResponse, FactsPage, SearchResponse


@pytest.fixture(scope="module")
def kb(small_data):
    with live_server(create_app(small_config(small_data), loader=fake_loader)) as url, KBClient(url) as c:
        yield c


def test_client_search_answer_and_facts_are_typed_and_frame(kb):
    res = kb.search("bosatt innen 6 måneder", k=4, year=2020, doc=["imdi-arsrapport-2020"])
    assert isinstance(res, SearchResponse) and 1 <= len(res.hits) <= 4
    assert all(h.doc_id == "imdi-arsrapport-2020" for h in res.hits)
    frame = res.to_frame()
    assert isinstance(frame, pd.DataFrame) and list(frame["rank"]) == [h.rank for h in res.hits]
    assert {"doc_id", "page", "snippet", "keyword_rank", "semantic_rank"} <= set(frame.columns)

    ans = kb.answer("hva var andel bosatt innen 6 måneder i 2020")
    assert isinstance(ans, AnswerResponse) and ans.text

    facts = kb.facts(indicator="bosatt innen 6 måneder", year="2020", limit=5)
    assert isinstance(facts, FactsPage) and 0 < len(facts.items) <= 5
    assert list(facts.to_frame()["year"]) == [2020] * len(facts.items)
    on_post = kb.facts(post=1, year=2020, limit=50)  # post 01, as a number or a label
    assert on_post.total > 0 and on_post.total == kb.facts(post="Post 01", year=2020).total


def test_a_list_response_reads_as_its_list(kb):
    res = kb.search("bosatt innen 6 måneder", k=3)
    assert len(res) == len(res.hits) and [h.rank for h in res] == [h.rank for h in res.hits] and res[0] == res.hits[0]
    assert set(res.model_dump()) >= {"query", "hits"}  # the model itself is unchanged
    facts = kb.facts(indicator="bosatt innen 6 måneder", limit=5)
    assert list(facts) == facts.items and len(facts) == len(facts.items)
    docs = kb.documents()
    assert [d.id for d in docs] == [d.id for d in docs.documents]


def test_client_documents_pages_tables_and_health(kb):
    docs = kb.documents()
    assert {d.id for d in docs.documents} == {"imdi-arsrapport-2020", "imdi-fou-2020"}
    assert len(docs.to_frame()) == 2
    detail = kb.document("imdi-arsrapport-2020")
    n = detail.pages[0].number
    page = kb.page("imdi-arsrapport-2020", n)
    assert page.number == n and page.text
    table = kb.table("imdi-arsrapport-2020", "t003")
    frame = table.to_frame()
    assert len(frame) == len(table.rows) and list(frame.iloc[:, 0]) == [r.label for r in table.rows]
    assert kb.health().index.loaded


def test_client_error_carries_the_servers_message(kb):
    with pytest.raises(KBClientError) as e:
        kb.page("imdi-arsrapport-2020", 99999)
    assert e.value.status == 404 and e.value.code == "no_such_page" and "no page 99999" in str(e.value)
    with pytest.raises(KBClientError) as e:
        kb.search("bosetting", k=1000)
    assert e.value.status == 422 and "'k'" in str(e.value)
    with pytest.raises(KBClientError) as e:
        kb.document("../../etc/passwd")  # quoted: it can only ever be an unknown id or an unknown route
    assert e.value.status == 404 and "passwd" in str(e.value)


def test_client_says_when_the_server_is_unreachable():
    with KBClient(f"http://127.0.0.1:{free_port()}", timeout=2) as c, pytest.raises(KBClientError) as e:
        c.health()
    assert "cannot reach the knowledge base server" in str(e.value) and e.value.status is None


def test_to_frame_without_pandas_says_how_to_get_it(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pandas(name, *args, **kwargs):
        if name == "pandas":
            raise ImportError("No module named 'pandas'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    empty = SearchResponse(query="x", mode="hybrid", k=1, filters={}, took_ms=0, hits=[])
    with pytest.raises(ImportError, match="pip install pandas"):
        empty.to_frame()
