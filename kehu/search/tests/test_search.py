"""Full-text search over tickets and customers as users meet it, on SQLite and PostgreSQL."""

from django.core.management import call_command

from kehu.core.search import index_terms
from kehu.customers.models import Customer
from kehu.search.models import TicketDocument
from kehu.search.scopes import search_as
from kehu.service.services.tickets import ticket_create, ticket_reply


def ticket(by, title, description="", **data):
    made, _ = ticket_create(by=by, data={"kind": "inquiry", "channel": "phone", "title": title,
                                         "description": description, **data})
    return made


def titles(user, q, **kw):
    return [h.title.split(" ", 1)[1] for h in search_as(user, q, kinds=["ticket"], **kw).hits]


def test_a_new_ticket_is_found_at_once_by_two_characters_and_by_one(alice):
    ticket(alice, "小区停电", "整栋楼从早上八点开始停电")
    ticket(alice, "账单疑问", "上月电费比平时高")
    assert titles(alice, "停电") == ["小区停电"]
    assert set(titles(alice, "电")) == {"小区停电", "账单疑问"}


def test_traditional_and_simplified_queries_find_the_same_tickets(alice):
    ticket(alice, "電費帳單查詢", "客戶詢問本月電費為何偏高")  # written in traditional
    ticket(alice, "电表不走字", "客户说电表不转")  # written in simplified
    assert titles(alice, "电费") == titles(alice, "電費") == ["電費帳單查詢"]
    assert titles(alice, "電錶") == titles(alice, "电表") == ["电表不走字"]


def test_a_title_match_ranks_above_a_match_in_the_text(alice):
    ticket(alice, "咨询营业厅地址", "顺便问了一下燃气表的读数")
    ticket(alice, "燃气表漏气", "厨房有味道")
    ticket(alice, "其他问题", "与此无关")
    assert titles(alice, "燃气表") == ["燃气表漏气", "咨询营业厅地址"]


def test_every_word_of_the_query_must_be_in_the_ticket(alice):
    ticket(alice, "宽带断网", "光猫红灯闪烁")
    ticket(alice, "宽带提速", "想升级套餐")
    assert titles(alice, "宽带 光猫") == ["宽带断网"]


def test_the_snippet_marks_the_words_and_escapes_the_text(alice):
    ticket(alice, "网页报错", "页面显示<b>粗体</b>然后電錶读数丢失")
    hit = search_as(alice, "电表", kinds=["ticket"]).hits[0]
    assert "<mark>電錶</mark>" in hit.snippet  # shown as written, found through the folded text
    assert "<b>" not in hit.snippet and "&lt;b&gt;粗体" in hit.snippet


def test_when_no_ticket_has_the_phrase_the_closest_ones_are_offered(alice):
    ticket(alice, "电表不转动", "")
    ticket(alice, "水费咨询", "")
    results = search_as(alice, "电表不会转动", kinds=["ticket"])
    assert results.fallback is True
    assert [h.title.split(" ", 1)[1] for h in results.hits] == ["电表不转动"]
    assert search_as(alice, "完全无关的话", kinds=["ticket"]).hits == []


def test_a_ticket_the_user_may_not_see_is_not_found(org, bob, dave):
    customer = Customer.objects.create(name="华东客户", name_norm="华东客户", owner=bob, team=org["east"])
    ticket(bob, "华东的投诉", "服务态度差", customer_id=customer.pk)
    assert titles(bob, "服务态度") == ["华东的投诉"]
    assert titles(dave, "服务态度") == []


def test_customers_are_found_by_name_beside_tickets(org, bob):
    Customer.objects.create(name="恒达机电有限公司", name_norm="恒达机电有限公司", owner=bob, team=org["east"],
                            search_text=index_terms("恒达机电有限公司"))
    hits = search_as(bob, "恒達").hits  # traditional query, simplified name
    assert [(h.kind, h.title) for h in hits] == [("customer", "恒达机电有限公司")]


def test_an_edited_ticket_is_found_by_its_new_words(alice):
    made = ticket(alice, "路灯报修", "")
    made.title = "燃气报修"
    made.save(update_fields=["title"])
    assert titles(alice, "燃气") == ["燃气报修"]
    assert titles(alice, "路灯") == []


def test_reindex_rebuilds_a_lost_index(alice):
    ticket(alice, "路灯不亮", "")
    TicketDocument.objects.all().delete()
    assert titles(alice, "路灯") == []
    call_command("search", "reindex", "--kind", "ticket")
    assert titles(alice, "路灯") == ["路灯不亮"]


def test_api_search_answers_hits_and_clear_errors(api_as, alice, client):
    ticket(alice, "小区停电", "")
    body = api_as(alice).get("/api/search", q="停電", kinds="ticket").json()
    assert [(h["kind"], h["title"][15:]) for h in body["hits"]] == [("ticket", "小区停电")]
    assert body["hits"][0]["url"].startswith("/service/")
    assert api_as(alice).get("/api/search", q="  ").status_code == 422
    wrong = api_as(alice).get("/api/search", q="停电", kinds="ticket,planet")
    assert wrong.status_code == 422 and "planet" in wrong.json()["message"]
    assert client.get("/api/search", {"q": "停电"}).status_code == 401


def test_search_page_lists_hits(web_as, alice):
    ticket(alice, "小区停电", "整栋楼停电")
    page = web_as(alice).get("/search/", {"q": "停电"})
    assert page.status_code == 200
    assert "小区停电" in page.content.decode() and "<mark>停电</mark>" in page.content.decode()


def test_a_question_typed_as_a_sentence_finds_tickets_by_its_words(alice):
    ticket(alice, "小区停电", "八号楼整栋停电")
    ticket(alice, "电费查询", "")
    results = search_as(alice, "我家停电了怎么办", kinds=["ticket"])
    assert results.mode == "words"
    assert [h.title.split(" ", 1)[1] for h in results.hits] == ["小区停电"]


def test_a_word_the_admin_adds_is_kept_whole(alice, root):
    from kehu.search.models import DictionaryWord
    from kehu.search.segment import forget, words

    forget()
    assert words("峰谷电价怎么算") != ["峰谷电价"]
    DictionaryWord.objects.create(word="峰穀電價", created_by=root)  # stored folded
    forget()
    assert words("峰谷电价怎么算")[0] == "峰谷电价"


def test_a_very_common_word_walks_the_newest_rows_and_finds_the_same(alice, monkeypatch):
    from kehu.search import query

    for i in range(5):
        ticket(alice, f"停电报修{i}", "电表")
    ticket(alice, "水费", "无关")
    through_index = titles(alice, "电")
    monkeypatch.setattr(query, "DENSE", 1)  # on SQLite: every query counts as common
    assert titles(alice, "电") == through_index and len(through_index) == 5


def test_what_was_said_in_the_replies_and_the_solution_finds_the_ticket(alice):
    made = ticket(alice, "宽带故障", "光猫红灯")
    assert titles(alice, "更换分光器") == []
    ticket_reply(ticket=made, by=alice, body="师傅上门后更换分光器，网络恢复。", internal=True)
    assert titles(alice, "更换分光器") == ["宽带故障"]
    made.refresh_from_db()
    made.solution = "远程重启光猫"
    made.save(update_fields=["solution"])
    assert titles(alice, "重启光猫") == ["宽带故障"]


def test_reindex_keeps_the_replies(alice):
    ticket_reply(ticket=ticket(alice, "燃气表", "读数异常"), by=alice, body="已约周三上门校表", internal=False)
    call_command("search", "reindex")
    assert titles(alice, "上门校表") == ["燃气表"]


def test_the_description_repeated_as_the_first_reply_is_indexed_once(alice):
    made = ticket(alice, "停水", "小区整栋楼停水，请尽快处理")  # the first reply repeats the description
    assert made.replies.count() == 1
    body = TicketDocument.objects.get(pk=made.pk).folded_body
    assert body.count("停水") == 1
    ticket_reply(ticket=made, by=alice, body="已通知水务所抢修", internal=False)
    call_command("search", "reindex")
    body = TicketDocument.objects.get(pk=made.pk).folded_body
    assert body.count("停水") == 1 and "抢修" in body
    assert titles(alice, "水务所") == ["停水"]
