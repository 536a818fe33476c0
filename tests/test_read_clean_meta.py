"""Reading (encodings, JSONL, bad files), cleaning (boilerplate, offsets) and metadata."""
import json
from pathlib import Path

from pipeline.clean import clean, html_to_text, make_view
from pipeline.extract import analyse
from pipeline.models import RawDoc
from pipeline.read import read_path

from .conftest import CORPUS, raw

ARTICLE = "鱼台县公安局开展交通整治\n2013-11-28 16:26 来源:大众网\n活动中,共查处交通违法行为268起,行政拘留2人。\n责任编辑:王磊"


def test_encodings_are_detected(tmp_path):
    # utf-16 is what Windows Notepad saves as "Unicode" (with a byte-order mark)
    for enc in ("utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-be-bom"):
        p = tmp_path / f"a-{enc}.txt"
        p.write_bytes(b"\xfe\xff" + ARTICLE.encode("utf-16-be") if enc == "utf-16-be-bom" else ARTICLE.encode(enc))
        (doc,) = list(read_path(p))
        assert doc.text.lstrip("\ufeff") == ARTICLE, enc
    p = tmp_path / "not-utf16.txt"
    p.write_bytes(b"\xff\xfe" + bytes(range(256)) * 4)  # a byte-order mark on noise
    (err,) = list(read_path(p))
    assert "byte-order mark" in err.reason
    p = tmp_path / "big5.txt"
    p.write_bytes("龍泉市公安局查處交通違法行為640起,暫扣機動車52輛。".encode("big5"))
    (doc,) = list(read_path(p))
    assert "龍泉市公安局" in doc.text


def test_jsonl_lines_and_their_errors(tmp_path):
    p = tmp_path / "batch.jsonl"
    p.write_text("\n".join([json.dumps({"id": "a1", "text": ARTICLE, "published": "2013-11-28"}, ensure_ascii=False),
                            "{not json", json.dumps({"id": "a3"}), json.dumps({"id": "a4", "html": "<p>共查处交通违法行为5起。</p>"})]),
                 encoding="utf-8")
    items = list(read_path(p))
    assert [getattr(i, "doc_id", None) for i in items] == ["a1", None, None, "a4"]
    assert items[1].line == 2 and "JSON" in items[1].reason
    assert items[2].line == 3 and "text" in items[2].reason
    assert items[3].is_html
    # a crawler's Unix timestamp (seconds or milliseconds) is the day it was in China
    p.write_text("\n".join(json.dumps({"id": f"t{i}", "text": ARTICLE, "published": v}) for i, v in
                           enumerate([1682956800, 1682956800000, "2023-05-02"])), encoding="utf-8")
    assert [d.published for d in read_path(p)] == ["2023-05-02", "2023-05-02", "2023-05-02"]
    # an export's own names: content (or body), a headline kept apart, publish_time (or pub_date, date)
    p.write_text(json.dumps({"id": "c1", "title": "鱼台县公安局开展交通整治", "content": "活动中,共查处交通违法行为268起。",
                             "publish_time": "2013-11-28 16:26"}, ensure_ascii=False), encoding="utf-8")
    (doc,) = read_path(p)
    assert (doc.text, doc.published, doc.is_html) == ("鱼台县公安局开展交通整治\n活动中,共查处交通违法行为268起。", "2013-11-28 16:26", False)


def test_bad_files_are_reported_not_raised(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02" * 100)
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.seek(21 * 1024 * 1024)
        f.write(b"x")
    reasons = {p.name: list(read_path(p))[0].reason for p in (tmp_path / "empty.txt", tmp_path / "bin.txt", big)}
    assert reasons["empty.txt"] == "empty file"
    assert "binary" in reasons["bin.txt"]
    assert "20 MB" in reasons["big.txt"]
    assert list(read_path(tmp_path))[0].reason.startswith("cannot read: ")  # (a folder given as a file)


def test_a_file_longer_than_its_size_said_is_read_to_its_end(tmp_path, monkeypatch):
    """Read with the OS's calls, sized by fstat: a file that grew between the two is read whole."""
    import os

    text = "鱼台县公安局开展交通整治。" * 5000
    (tmp_path / "grew.txt").write_text(text, encoding="utf-8")
    real = os.fstat
    monkeypatch.setattr(os, "fstat", lambda fd: os.stat_result((0,) * 6 + (100,) + (0,) * 3))
    (doc,) = read_path(tmp_path / "grew.txt")
    monkeypatch.setattr(os, "fstat", real)
    assert doc.text == text


def test_a_folder_names_the_documents_it_does_not_read_and_passes_over_page_files(tmp_path):
    from pipeline.read import find_files

    (tmp_path / "a.txt").write_text("标题\n民警发放资料300份。", encoding="utf-8")
    (tmp_path / "report.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 20)
    (tmp_path / "page_files").mkdir()
    (tmp_path / "page_files" / "logo.png").write_bytes(b"\x89PNG")
    (tmp_path / "page_files" / "style.css").write_text("p{}", encoding="utf-8")
    files, errors = find_files([tmp_path])
    assert files == [str(tmp_path / "a.txt")]
    assert [(e.path.split("/")[-1], ".txt or .html" in e.reason) for e in errors] == [("report.docx", True)]


def test_other_quotation_marks_read_as_curly_double_quotes():
    v = make_view('开展「断流」‘护苗’和"清源"行动,他说"好')
    assert v.text == '开展“断流”“护苗”和“清源”行动,他说"好' and len(v.text) == len(v.stored)


def test_view_maps_back_to_stored_text():
    stored = "累計出動(dòng)警力31.2萬(wàn)余人次"
    v = make_view(stored)
    assert v.text == "累计出动警力31.2万余人次"
    i = v.text.index("31.2")
    assert v.stored_span(i, len(v.text)) == "31.2萬(wàn)余人次"


def test_view_closes_the_spaces_between_a_number_and_its_words():
    stored = "共出动警力 550 人次，5 月 20 日至 22 日"
    v = make_view(stored)
    assert v.text == "共出动警力550人次,5月20日至22日"
    i = v.text.index("550")
    assert v.stored_span(i, i + 5) == "550 人次"
    # a space that parts fields stays: the end of a dateline, the page's date after a name
    for kept in ("丹东01月12日讯 10日,", "聊城日报 2012年03月20日", "来源:大理州公安局 2021-06-26"):
        assert make_view(kept).text == kept


def test_traditional_characters_fold_to_the_common_simplified_form():
    assert make_view("依託社區,打掉犯罪團夥7個").text == "依托社区,打掉犯罪团伙7个"
    assert make_view("乾安縣公安局").text == "乾安县公安局"  # 乾 of a place name stays


def test_folding_finds_only_the_characters_it_folds_and_folds_them_as_translate_would():
    from pipeline.clean import _fold_table, _folder

    text = "依託社區，打掉犯罪團夥７個（其中「斷卡」行动２起）；鱼台县公安局\u3000查处交通违法行为5起。ABC：１２３！？％"
    fold = _folder()
    assert fold(text) == text.translate(_fold_table())
    assert fold("鱼台县公安局查处交通违法行为5起") == "鱼台县公安局查处交通违法行为5起"
    every = "".join(sorted(map(chr, _fold_table()))) + "鱼台县，，：："
    assert fold(every) == every.translate(_fold_table())  # (each folded character once, the common ones first or not)


def test_an_article_spaced_around_its_numbers_reads_as_one_written_close(rules):
    close = ("仁怀交警开展酒驾醉驾集中整治\n发布日期:2021-11-22 来源:仁怀市融媒体中心\n"
             "11月18日至20日,仁怀市公安局交警大队开展酒驾醉驾集中整治,共设置临时执勤点14个,出动警力210人次,"
             "查处交通违法行为1346起,其中酒后驾驶38起,暂扣机动车56辆。")
    spaced = close.replace("11月18日至20日", "11 月 18 日至 20 日")
    for n in ("14", "210", "1346", "38", "56"):
        spaced = spaced.replace(n, f" {n} ")
    def read(text):
        a = analyse(raw(text), rules).article
        return ([(m.category, m.value, m.unit, m.breakdown) for m in a.metrics],
                [(x.name, x.start, x.end) for x in a.activities], a.published)
    assert read(spaced) == read(close)
    assert len(read(close)[0]) == 5


def test_furniture_written_on_after_the_last_sentence_takes_only_itself(rules):
    text = ("标题\n整治期间,共查处交通违法行为73起,暂扣违法车辆15辆。分享到:微信 微博 QQ空间\n"
            "本周共出动警力40人次。责任编辑:王敏")
    c = clean(text, rules.boilerplate)
    assert "暂扣违法车辆15辆。" in c.body and "分享到" not in c.body
    assert "出动警力40人次。" in c.body and "王敏" not in c.body
    assert [m.value for m in analyse(raw(text), rules).article.metrics] == [73, 15, 40]


def test_a_headline_set_twice_reads_as_set_once(rules):
    once = "恩施市公安局开展“护航高考”安保工作\n6月7日至8日,恩施市公安局出动警力260余人次,设置护考岗12个。"
    twice = once.replace("\n", "\n恩施市公安局开展“护航高考”安保工作\n", 1)
    c = clean(twice, rules.boilerplate)
    assert [r for _, _, r in c.removed] == ["repeats the line before"] and c.body_text().count("护航高考") == 1
    def read(text):
        a = analyse(raw(text, published="2023-06-09"), rules).article
        return [(x.name, x.start, x.end) for x in a.activities], [(m.value, m.unit) for m in a.metrics]
    assert read(twice) == read(once) == ([("护航高考", "2023-06-07", "2023-06-08")], [(260, "人次"), (12, "个")])
    # a headline with 电 in it (电动车) is no dateline (…电) to be cut off before comparing
    head = "汝城警方快速破获一起盗窃电动车案"
    c = clean(f"{head}\n{head}\n近日,城关派出所破获一起系列盗窃电动车案件,追回被盗电动车3辆。", rules.boilerplate)
    assert c.body_text().count(head) == 1


def test_boilerplate_numbers_never_become_tallies(rules):
    text = "新闻热线:0537-3161789\n通讯员QQ群:242839438\n标题\n正文:共查处交通违法行为268起。\n如因作品内容问题需要同本网联系的,请30日内进行。\n责任编辑:王磊"
    c = clean(text, rules.boilerplate)
    assert "0537" not in c.body and "242839438" not in c.body
    vals = [m.value for m in analyse(raw(text), rules).article.metrics]
    assert vals == [268]


def test_a_sidebar_of_other_headlines_is_dropped_wherever_it_stands(rules):
    """A list of other pages' headlines under a heading of its own (热点排行) is furniture, before
    the article or after it; the first paragraph after the list is the article again."""
    side = "热点排行\n1. 仁寿县今年以来新增就业岗位3200个\n2. 我县破获电信诈骗案件32起 挽回损失280万元\n"
    body = "仁寿县公安局开展夏夜治安巡查,查处违法犯罪人员46名,化解矛盾纠纷87起。\n"
    for text in ("标题\n" + side + body, "标题\n" + body + side):
        art = analyse(raw(text), rules).article
        assert sorted(m.value for m in art.metrics) == [46, 87]
    c = clean("标题\n" + side + body, rules.boilerplate)
    assert "3200" not in c.body and "46名" in c.body


def test_repeated_lead_counts_once(rules):
    lead = "为进一步密切警民关系,鱼台县公安局积极开展活动,共查处交通违法行为268起,行政拘留2人。"
    text = f"标题\n济宁新闻:{lead}\n  大众网济宁11月28日讯(记者 高杨){lead}"
    art = analyse(raw(text), rules).article
    assert sorted((m.category, m.value) for m in art.metrics) == [("detentions_admin", 2), ("violations", 268)]
    c = clean(text, rules.boilerplate)
    assert c.body_text().count("268起") == 1


def test_a_figure_the_headline_restates_keeps_the_body_clause_as_evidence(rules):
    text = ("瑞丽警方破获一起特大运输毒品案 缴获冰毒12.6公斤\n2023-03-28 来源:瑞丽市公安局\n"
            "近日,瑞丽市公安局破获一起特大运输毒品案,抓获犯罪嫌疑人3名,缴获冰毒12.6公斤。")
    art = analyse(raw(text), rules).article
    (m,) = [m for m in art.metrics if m.category == "drugs_seized"]
    assert m.evidence == "缴获冰毒12.6公斤" and text[m.start:m.end] == "12.6公斤" and m.start > text.index("\n")
    # stated only in the headline, it still counts, with the headline as its evidence
    art = analyse(raw("瑞丽警方缴获冰毒12.6公斤\n2023-03-28 来源:瑞丽市公安局\n近日,民警在查缉中破获一起运输毒品案。"), rules).article
    assert [(m.category, m.value) for m in art.metrics] == [("drugs_seized", 12.6)]


def test_a_count_given_respectively_has_its_noun_in_its_evidence(rules):
    text = "标题\n2022-06-06 来源:攸县公安局\n端午假期,交警大队共出动警力、警车分别为320人次、86辆次,查处酒驾12起。"
    art = analyse(raw(text), rules).article
    ev = {m.unit: m.evidence for m in art.metrics}
    assert ev["人次"].endswith("出动警力、警车分别为320人次") and ev["辆次"].endswith("出动警力、警车分别为320人次、86辆次")
    assert ev["起"] == "查处酒驾12起"


def test_metadata_from_page(rules):
    art = analyse(raw(ARTICLE), rules).article
    assert art.title == "鱼台县公安局开展交通整治"
    assert art.published == "2013-11-28"
    assert art.source == "大众网"
    assert art.agency == "鱼台县公安局"
    assert art.region.adcode == "370827" and art.region.level == "county" and art.region.city == "济宁市"


def test_a_wechat_headline_may_open_with_at_but_a_caption_is_no_headline(rules):
    art = analyse(raw("@益阳人 这场警营开放日 你来了吗?\n益阳市公安局 2023-05-22 20:15 发表于湖南\n"
                      "▲5月20日,益阳市公安局举办“警营开放日”活动\n5月20日上午,益阳市公安局举办“警营开放日”活动,邀请300余名市民走进警营。"), rules).article
    assert art.title == "@益阳人 这场警营开放日 你来了吗?"
    art = analyse(raw("@ME:\n|\n发表于 2013-8-21 09:14\n8月20日上午9时,县公安局举行公开退赃大会。"), rules).article
    assert art.title is None
    # a headline may say the chief answered reporters (答记者问); a byline (记者 王磊) is no headline
    art = analyse(raw("萍乡市公安局局长答记者问:织密反诈防护网\n2022-12-20 来源:萍乡日报\n记者:今年以来取得了哪些成效?"), rules).article
    assert art.title == "萍乡市公安局局长答记者问:织密反诈防护网"
    art = analyse(raw("记者 王磊 通讯员 李娜\n2022-12-20 来源:萍乡日报\n12月19日,萍乡市公安局开展反诈宣传。"), rules).article
    assert art.title is None
    # a headline may open with its year (2019年…工作综述); a date line may not
    art = analyse(raw("2019年慈利县公安局工作综述\n2020-01-08 来源:慈利县人民政府网\n2019年,慈利县公安局各项工作取得新成效。"), rules).article
    assert art.title == "2019年慈利县公安局工作综述"
    art = analyse(raw("2020年01月08日 来源:慈利县人民政府网\n2019年,慈利县公安局各项工作取得新成效。"), rules).article
    assert art.title is None


def test_region_levels(rules):
    def region(text):
        return analyse(raw(text), rules).article.region
    r = region("标题\n2015-03-14 来源:辽西在线\n锦州市公安局在全市范围统一开展集中清查行动,全市共查处治安案件64起。")
    assert (r.level, r.adcode) == ("city", "210700")
    r = region("标题\n2011-02-03 来源:海河网\n除夕当天,天津市公安局共出动警力2.6万人。")
    assert (r.level, r.adcode) == ("province", "120000")
    r = region("标题\n2022-08-05 来源:成都商报\n成都市公安局郫都分局开展夏夜治安巡查行动,出动警力6800余人次。")
    assert (r.level, r.adcode, r.county) == ("county", "510117", "郫都区")
    r = region("标题\n2020-01-16 来源:法治晨报\n公安部今天举行新闻发布会,介绍全国公安机关打掉涉黑组织1045个。")
    assert r.level == "national" and r.adcode is None
    # a city bureau named in a 其中 sentence is a part of the province's figures, not the story's agency
    r = region("标题\n2023-08-21 来源:四川日报\n记者从四川省公安厅获悉,全省公安机关共侦办网络犯罪案件1836起。\n"
               "其中,成都市公安局侦办网络犯罪案件612起。")
    assert (r.level, r.adcode) == ("province", "510000")
    # 全省 in a county's own story (位居全省前列) names no province: with no province named and no
    # 省公安厅, the story stays the county's
    r = region("标题\n2024-06-12 来源:龙南市人民政府网\n6月11日,龙南市召开平安建设工作推进会。会议指出,群众安全感位居全省前列。\n"
               "会上,市公安局通报:共破获刑事案件368起。")
    assert (r.level, r.adcode) == ("county", "360783")
    r = region("标题\n2017-01-26 来源:南昌晨报\n昨日,省公安厅交警总队在南昌召开全省春运道路交通安保视频调度会。全省公安交警部门累计投入警力9.26万人次。")
    assert r.level == "province"
    r = region("标题\n2023-08-21 来源:邵阳日报\n记者从邵阳市公安局获悉,隆回县公安局开展夏季治安打击整治行动,查处治安案件64起。")
    assert (r.level, r.adcode) == ("county", "430524")  # outside a 其中 sentence the inner bureau is the agency
    # an autonomous county written with its short name and level word (丰宁县 for 丰宁满族自治县)
    r = region("标题\n2008-10-20 来源:承德公安网\n丰宁县公安局交警大队开展专项整治,查处交通违法行为4862起。")
    assert (r.level, r.adcode, r.county) == ("county", "130826", "丰宁满族自治县")
    # a county whose short name is a common word (和平) is a place with its level word, which jieba
    # keeps with the bureau (和平 县公安局); the word alone stays no place
    r = region("标题\n2019-06-27 来源:河源日报\n6月26日,和平县公安局开展禁毒宣传,发放资料3000余份。")
    assert (r.level, r.adcode, r.county) == ("county", "441624", "和平县")
    assert region("标题\n2019-06-27 来源:河源日报\n为守护一方和平,县公安局开展禁毒宣传,发放资料3000余份。") is None
    # a station's story that names no place takes the bureau its source line names
    art = analyse(raw("城关派出所“敲门行动”暖民心\n2023-03-15 来源:安化县公安局\n近日,城关派出所开展“敲门行动”,走访群众136户。"), rules).article
    assert (art.region.adcode, art.agency) == ("430923", "安化县公安局")
    # a county government's page whose story names its bureau by the level word alone (县公安局)
    art = analyse(raw("我县开展春季攻势\n2023-05-03 来源:平江县人民政府\n近日,县公安局开展春季攻势,抓获逃犯3名。"), rules).article
    assert (art.region.adcode, art.agency) == ("430626", "平江县公安局")
    # …but not when the word is not the government's (a city's page, 县公安局) nor with no bureau at all
    assert region("标题\n2023-05-03 来源:岳阳市人民政府\n近日,县公安局开展春季攻势,抓获逃犯3名。") is None
    assert region("标题\n2023-05-03 来源:平江县人民政府\n近日,城关派出所开展反诈宣传,发放资料300份。") is None
    # the city's own paper and a story of 市公安局
    r = region("标题\n2023-05-03 来源:株洲日报\n近日,市公安局开展夏季治安整治,全市公安机关共抓获嫌疑人300名。")
    assert (r.level, r.adcode) == ("city", "430200")
    # an autonomous prefecture by its short name and level word (西双版纳州, 黔东南州, 伊犁州)
    for short, code in (("西双版纳州", "532800"), ("黔东南州", "522600"), ("伊犁州", "654000")):
        r = region(f"标题\n2023-05-01 来源:某报\n4月30日,{short}公安局开展禁毒宣传,发放资料300余份。")
        assert (r.level, r.adcode) == ("city", code), short
    # a short name a city shares with its own district (荆州警方) is the city's, and districts named
    # only in a 其中's parts (…;荆州区分局…) settle nothing
    r = region("荆州警方开展冬季治安清查\n2017-12-18 来源:荆州日报\n12月15日晚,荆州市公安局开展清查,共出动警力2860人次。\n"
               "其中,沙市区分局出动警力420人次;荆州区分局出动警力380人次。")
    assert (r.level, r.adcode) == ("city", "421000")
    # a bureau the story's police body works with (联合耿马县公安局) is a partner, not the agency
    art = analyse(raw("临沧市公安局破获特大跨境贩毒案\n2022-03-30 来源:临沧日报\n近日,临沧市公安局禁毒支队联合耿马县公安局,"
                      "成功破获一起特大跨境运输毒品案,抓获犯罪嫌疑人5名。"), rules).article
    assert (art.region.adcode, art.agency) == ("530900", "临沧市公安局")
    # X市公安局Y分局 names a district of X even when Y alone is too common a word (市中)
    art = analyse(raw("标题\n2023-04-16 来源:枣庄日报\n4月15日,枣庄市公安局市中分局开展宣传活动,发放宣传册2600余份。"), rules).article
    assert (art.region.adcode, art.region.county, art.agency) == ("370402", "市中区", "枣庄市公安局市中分局")
    # a district's 分局 written with 区 (万州区公安分局) keeps it in the full name
    art = analyse(raw("标题\n2023-01-28 来源:万州日报\n春运期间,万州区公安分局交巡警支队出动警力3200余人次。"), rules).article
    assert (art.region.adcode, art.agency) == ("500101", "重庆市公安局万州区分局")
    # a district's bureau named as a county's is, after its city (重庆市黔江区公安局): the name the text gives
    art = analyse(raw("标题\n2024-05-20\n5月18日,重庆市黔江区公安局举办“警营开放日”活动,邀请群众150余人走进警营。"), rules).article
    assert (art.region.adcode, art.agency) == ("500114", "重庆市黔江区公安局")
    # a station a bureau names (崇州市公安局怀远派出所) is named after its town: 怀远 is no county here
    # (it is one in Anhui), in the headline's 怀远派出所 as much as in the body's
    art = analyse(raw("怀远派出所召开警民恳谈会\n来源:崇州市人民政府网 发布时间:2022年11月08日\n"
                      "近日,崇州市公安局怀远派出所召开警民恳谈会,六十余人参加。\n下一步,怀远派出所将逐条回复。"), rules).article
    assert (art.region.adcode, art.agency) == ("510184", "崇州市公安局")


def test_a_table_row_is_a_label_and_its_figure_and_a_today_banner_no_date(rules):
    page = ("<html><body><div>欢迎访问某县人民政府网站 今天是2024年1月10日 星期三</div>"
            "<h2>莒县公安局开展冬季治安清查行动</h2><p>时间:2024-01-09 来源:莒县公安局</p>"
            "<p>1月6日晚,莒县公安局开展冬季治安清查行动。</p>"
            "<table><tr><td>出动警力</td><td>280人次</td></tr><tr><th>清查场所</th><td>96家</td></tr></table></body></html>")
    art = analyse(RawDoc(doc_id="t", path="t.html", text=page, is_html=True), rules).article
    assert art.published == "2024-01-09"
    assert {(m.category, m.value, m.unit) for m in art.metrics} == {("officers", 280, "人次"), ("inspections", 96, "家")}
    # a layout table's row, a menu cell beside the article's text, keeps them on lines of their own
    text, _ = html_to_text("<table><tr><td>首页 政务公开</td><td>1月6日晚,莒县公安局开展冬季治安清查行动,"
                           "出动警力280人次,清查场所96家。</td></tr></table>")
    assert text.splitlines() == ["首页 政务公开", "1月6日晚,莒县公安局开展冬季治安清查行动,出动警力280人次,清查场所96家。"]


def test_a_date_set_under_the_article_is_its_date_and_a_related_links_date_is_not(rules):
    body = "县公安局开展夏季治安整治\n6月18日,县公安局开展夏季治安整治,共出动警力120人次。\n"
    related = "相关新闻\n·某县开展禁毒宣传\n2023-05-12\n"
    assert analyse(raw(body + "(编辑:张三)\n2023年06月20日 10:12\n" + related), rules).article.published == "2023-06-20"
    assert analyse(raw(body + related), rules).article.published is None


def test_a_saved_pages_site_name_after_the_headline_is_no_part_of_it(rules):
    art = analyse(raw("临湘市公安局开展校园周边交通秩序整治_临湘市人民政府\n发布时间:2019-09-06 来源:临湘市公安局\n"
                      "9月2日至5日,临湘市公安局开展交通秩序集中整治,查处交通违法行为73起。"), rules).article
    assert art.title == "临湘市公安局开展校园周边交通秩序整治"
    # a subtitle after a dash stays (…大练兵——以赛促训), as does a column tag before it (【平安护航】)
    art = analyse(raw("【平安护航】全警实战大练兵 - 以赛促训强本领\n2023-05-22\n5月20日,某县公安局举办比武,120名民警参赛。"), rules).article
    assert art.title == "【平安护航】全警实战大练兵 - 以赛促训强本领"
    # …and so does a site written before it (某某县人民政府_…, 平安某某网 - …)
    for page in ("澧县人民政府_澧县公安局开展反诈宣传", "平安澧县网 - 澧县公安局开展反诈宣传"):
        art = analyse(raw(page + "\n发布日期:2023-05-03\n5月2日,澧县公安局开展反诈宣传,发放资料300份。"), rules).article
        assert art.title == "澧县公安局开展反诈宣传", page
    # a page's <title> goes the same way, before or after, whether the body has the headline or not
    for page in ("<title>澧县人民政府_澧县公安局开展反诈宣传</title><h2>澧县公安局开展反诈宣传</h2>",
                 "<title>澧县人民政府_澧县公安局开展反诈宣传</title>", "<title>澧县公安局开展反诈宣传_常德警事</title>"):
        art = analyse(raw(f"<html><head>{page}</head><body><p>发布日期:2023-05-03</p>"
                          "<p>5月2日,澧县公安局开展反诈宣传,发放资料300份。</p></body></html>", html=True), rules).article
        assert art.title == "澧县公安局开展反诈宣传", page
    # a menu's links run together above the headline (首页走进澧县政务公开): the line the <title> gives is the headline
    art = analyse(raw("<html><head><title>澧县公安局：多措并举护航高考_澧县人民政府</title></head><body>"
                      "<div id='nav'><a>首页</a><a>走进澧县</a><a>政务公开</a></div><h1>澧县公安局：多措并举护航高考</h1>"
                      "<span>发布日期：2024-06-09</span><p>6月7日至8日，澧县公安局共投入警力280人次。</p></body></html>", html=True), rules).article
    assert art.title == "澧县公安局：多措并举护航高考"
    # …but a <title> that is no line of the page (新闻中心, too short for a headline) gives way to the page's headline
    art = analyse(raw("<html><head><title>新闻中心</title></head><body><p>当前位置：首页 &gt;&gt; 公安动态</p>"
                      "<p><b>石门警方开展“夏夜行动” 抓获违法人员18名</b></p><p>2023年7月21日 10:22 来源：石门县公安局</p>"
                      "<p>7月20日晚，石门县公安局开展集中清查，抓获违法人员18名。</p></body></html>", html=True), rules).article
    assert art.title == "石门警方开展“夏夜行动” 抓获违法人员18名"
    # the site written after a bare hyphen (…通报-澧县人民政府) goes too
    art = analyse(raw("澧县公安局2020年第一季度打击战果通报-澧县人民政府\n发布日期:2020-04-08\n第一季度,澧县公安局共接处警4860起。"), rules).article
    assert art.title == "澧县公安局2020年第一季度打击战果通报"


def test_dates_in_chinese_numerals_and_bracketed_labels(rules):
    art = analyse(raw("新化县公安局开展宣传\n发布日期:二〇一九年十二月二十一日\n12月20日,新化县公安局开展宣传。"), rules).article
    assert art.published == "2019-12-21"
    art = analyse(raw("某县公安局开展宣传\n【发布时间】2019年5月8日 【来源】邵阳日报\n5月7日,某县公安局开展宣传。"), rules).article
    assert (art.published, art.source) == ("2019-05-08", "邵阳日报")
    art = analyse(raw("隆回县公安局开展学雷锋活动\n[2012-03-05] [来源:隆回县公安局] [阅读:120次]\n3月4日,隆回县公安局开展学雷锋活动。"), rules).article
    assert (art.published, art.source) == ("2012-03-05", "隆回县公安局")
    # an editor's line under the article that ends with the date ((编辑:张三 2023年05月03日))
    art = analyse(raw("某县公安局开展反诈宣传\n5月2日,某县公安局开展反诈宣传,发放资料300份。\n(编辑:张三 2023年05月03日)"), rules).article
    assert art.published == "2023-05-03"


def test_a_wire_dateline_names_its_agency_as_the_source(rules):
    art = analyse(raw("宁夏公安机关“百日行动”战果丰硕\n新华社银川12月15日电(记者 马晓)记者15日从宁夏回族自治区公安厅获悉,共侦破刑事案件3260起。"), rules).article
    assert art.source == "新华社"


def test_no_date_no_region_is_still_an_article(rules):
    art = analyse(raw("民警在街头设点宣传,发放宣传资料600余份。"), rules).article
    assert art.published is None and art.region is None
    assert [(m.category, m.value) for m in art.metrics] == [("materials", 600)]


def test_traditional_evidence_points_into_stored_text(rules):
    text = "龍泉市公安局開展行動\n2015-07-03 來源:麗水在線\n共出動警力860人次、警車210輛次。"
    art = analyse(raw(text), rules).article
    m = next(m for m in art.metrics if m.category == "police_vehicles")
    assert (m.value, m.unit) == (210, "辆次")
    assert text[m.start:m.end] == "210輛次"
    assert m.evidence in text
    assert art.agency == "龙泉市公安局"  # simplified, so that one bureau is one name in the database


def test_tokens_carry_offsets_and_widen_to_whole_tokens(rules):
    from pipeline.segment import doc, tokens

    text = "鱼台县公安局组织全县12个派出所\n\n      行政拘留2人。"
    t = tokens(text, rules.userdict)
    assert all(text[s:s + len(w)] == w for s, w in zip(t.starts, t.texts))
    assert not any(w.isspace() for w in t.texts)  # the blanks cleaning leaves are no tokens
    assert "派出所" in t.texts and "行政拘留" in t.texts  # the user dictionary is loaded
    s = text.index("公安") + 1  # inside 公安局
    assert t.widen(s, text.index("组织") + 1) == (text.index("公安局"), text.index("组织") + 2)
    d = doc(text, rules.userdict)  # the spaCy Doc explain shows: the same tokens
    assert [x.text for x in d if not x.is_space] == t.texts


def test_a_district_bureau_keeps_the_form_the_text_writes(rules):
    def agency(text):
        return analyse(raw(text), rules).article.agency
    assert agency("标题\n2022-09-27 来源:富阳日报\n杭州市公安局富阳区分局成功破获一起诈骗案,抓获犯罪嫌疑人3名。") == "杭州市公安局富阳区分局"
    assert agency("标题\n2022-08-05 来源:成都商报\n成都市公安局郫都分局开展夏夜治安巡查行动,出动警力6800余人次。") == "成都市公安局郫都分局"
    assert agency("标题\n2022-08-05 来源:成都商报\n郫都区公安民警开展夏夜治安巡查行动,出动警力6800余人次。") == "成都市公安局郫都分局"
    # a 新区's 分局 is named by the district's short form (浦东新区 → 浦东分局)
    assert agency("标题\n2024-02-18 来源:浦东时报\n上海市公安局浦东分局开展春节安保,设置临时警务站16个。") == "上海市公安局浦东分局"
    assert agency("标题\n2024-02-18 来源:浦东时报\n浦东新区公安民警开展春节安保,设置临时警务站16个。") == "上海市公安局浦东分局"
    # a district name several cities share (鼓楼区) is the one whose city the page names, be it only
    # in its source line
    art = analyse(raw("鼓楼警方开展夜查行动\n2023-06-10 来源:福州晚报\n6月9日晚,鼓楼公安分局组织警力开展夜查,查处酒驾5起。"), rules).article
    assert (art.region.adcode, art.agency) == ("350102", "福州市公安局鼓楼分局")
    # …but the name itself vouches for no city of its own name (朝阳 is no sign of 朝阳市's 朝阳县)
    art = analyse(raw("朝阳警方开展夏季治安整治\n2023-06-20 来源:北京晚报\n6月18日,朝阳警方开展夏季治安整治,共出动警力120人次。"), rules).article
    assert art.region.adcode == "110105"
    # a municipality's zone branch, and a district's branch as the text writes it
    art = analyse(raw("标题\n2023-05-10 来源:重庆日报\n5月9日,重庆市公安局两江新区分局开展反诈宣传,发放资料1200份。"), rules).article
    assert (art.region.adcode, art.agency) == ("500000", "重庆市公安局两江新区分局")
    art = analyse(raw("标题\n2023-04-02 来源:合肥晚报\n近日,合肥市公安局经济技术开发区分局破获一起盗窃案,抓获犯罪嫌疑人2名。"), rules).article
    assert art.agency == "合肥市公安局经济技术开发区分局"
    # a place JioNLP's table keeps under its old code gets the code of the change (rules/metadata.yaml)
    art = analyse(raw("标题\n2022-03-15 来源:三明日报\n沙县区公安局为群众办理居民身份证920张。"), rules).article
    assert (art.region.adcode, art.region.county, art.agency) == ("350405", "沙县区", "三明市公安局沙县分局")
    assert analyse(raw("标题\n2023-07-20 来源:监利日报\n监利市公安局查获违法捕捞船只12艘。"), rules).article.region.adcode == "421088"
    # …and its official name when the table gives it another (凤翔市 610322 is 宝鸡市凤翔区 610305)
    art = analyse(raw("标题\n来源:宝鸡市公安局凤翔分局 时间:2023-07-03\n7月1日以来,宝鸡市公安局凤翔分局开展夏季治安打击整治,共破获案件36起。"), rules).article
    assert (art.region.adcode, art.region.county, art.region.city, art.agency) == ("610305", "凤翔区", "宝鸡市", "宝鸡市公安局凤翔分局")
    art = analyse(raw("标题\n2022-05-10 来源:漳州市公安局\n5月9日,长泰区公安分局在武安镇开展反诈宣传。"), rules).article
    assert (art.region.adcode, art.region.county) == ("350605", "长泰区")  # the table keeps 长泰县 350625
    # (and the agency as the page's source line names it, though its headline writes 湟中区公安分局)
    art = analyse(raw("湟中区公安分局禁毒工作成效明显\n2024-01-15 来源:西宁市公安局湟中分局\n2023年,湟中分局共破获毒品刑事案件27起。"), rules).article
    assert (art.region.adcode, art.region.county, art.agency) == ("630106", "湟中区", "西宁市公安局湟中分局")  # the table: 湟中县 630122
    art = analyse(raw("万州区公安分局开展夏季治安整治\n2023-07-03 来源:万州日报\n万州区公安分局共破获案件36起。"), rules).article
    assert art.agency == "重庆市公安局万州区分局"  # no full name on the page: the text keeps 区, and so does the name
    art = analyse(raw("标题\n2023-05-30 来源:南通市公安局海门分局\n近日,南通市公安局海门分局开展“断卡”行动。"), rules).article
    assert (art.region.adcode, art.agency) == ("320614", "南通市公安局海门分局")  # a district whose table code is a city's (320684)
    # a zone's branch (高新分局) has no county of its own: the city is its region, the branch its agency
    art = analyse(raw("标题\n2024-09-20 来源:西安市公安局高新分局\n9月19日,西安市公安局高新分局开展宣传活动,发放宣传资料3000余份。"), rules).article
    assert (art.agency, art.region.level, art.region.adcode) == ("西安市公安局高新分局", "city", "610100")


def test_festival_days_come_from_the_lunar_calendar_nearest_the_publication():
    from pipeline.festivals import festival_day

    assert festival_day("除夕", "2011-02-03") == "2011-02-02"
    assert festival_day("中秋节", "2023-10-01") == "2023-09-29"
    assert festival_day("元宵", "2024-02-25") == "2024-02-24"
    assert festival_day("除夕", "2024-02-08") == "2024-02-09"  # the day after: a story written on its eve
    assert festival_day("中秋", "2023-05-01") is None  # months away: not the day the story reports
    assert festival_day("春运", "2023-01-20") is None



def test_removed_spans_are_blanked_one_blank_a_character_even_where_they_overlap():
    from pipeline.clean import _blanked

    text = "责任编辑:张三\n鱼台县公安局查处违法行为5起。\n来源:鱼台县"
    assert _blanked(text, []) is text
    spans = [(0, 7, "boilerplate"), (3, 5, "repeat"), (24, 30, "page footer")]
    out = _blanked(text, spans)
    assert len(out) == len(text)
    assert out == " " * 7 + text[7:24] + " " * 6
    assert _blanked(text, [(8, 8, "empty")]) == text


def test_marks_are_the_offsets_of_the_characters_asked_for_and_bound_the_stretch_around_an_offset():
    from pipeline.spans import Marks

    text = "查处违法行为5起,暂扣车辆3辆。抓获嫌疑人2名;\n刑拘1人。"
    m = Marks(text, "。;\n,,")  # (a character given twice counts once)
    assert m.pos == [i for i, ch in enumerate(text) if ch in "。;\n,"]
    assert m.around(0) == (0, text.index(","))
    assert m.around(text.index(",")) == (0, text.index(","))  # the mark at the offset ends the stretch
    assert m.around(text.index("刑")) == (text.index("\n") + 1, len(text) - 1)
    assert Marks("", "。").pos == [] and Marks("", "。").around(0) == (0, 0)


def test_a_folder_is_listed_as_pathlib_lists_it(tmp_path, monkeypatch):
    """find_files walks folders with os.scandir: the same files, in the same order and written
    the same way, as `sorted(Path(folder).rglob("*"))` kept to files; a linked folder is not
    entered, a linked file is read; "." and a trailing "/" name the folder as Path does."""
    import os

    from pipeline.read import find_files

    names = ["a.txt", "a-b/c.txt", "a/b.txt", "A/z.txt", "a/b/c/d.html", ".hidden.txt", "b.jsonl", "a.b/x.htm",
             "x/y/z/w.txt", "x/y.txt", "x-y.txt", "中文/文章.txt", "z.", "noext"]
    for n in names:
        f = tmp_path / "root" / n
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text("民警发放资料300份。", encoding="utf-8")
    root = tmp_path / "root"
    (root / "linked").symlink_to(root / "x", target_is_directory=True)
    (root / "link.txt").symlink_to(root / "a.txt")
    (root / "broken.txt").symlink_to(root / "gone.txt")
    expected = [str(f) for f in sorted(root.rglob("*")) if f.is_file() and f.suffix.lower() in {".txt", ".html", ".htm", ".jsonl"}]
    assert find_files([root])[0] == expected
    assert find_files([str(root) + "/"])[0] == expected
    assert "linked" not in " ".join(expected) and str(root / "link.txt") in expected
    monkeypatch.chdir(root)
    assert find_files(["."])[0] == [str(f) for f in sorted(Path(".").rglob("*")) if f.is_file() and str(f) in {os.path.relpath(e, root) for e in expected}]
    assert find_files(["./a.txt"])[0] == ["a.txt"]


def test_a_dateline_is_tried_only_where_it_can_end_and_taken_off_as_before():
    """_core tries the dateline pattern only on a paragraph with 电/讯 in its first 37 characters or
    a colon in its first 13 (where the pattern's two alternatives must end): the same cores as
    taking the pattern off every paragraph, over the corpus and at those limits."""
    from pipeline.clean import _LEAD_PREFIX, _core, _unblanked

    texts = [make_view(d.text).text for f in sorted(CORPUS.iterdir()) for d in read_path(f) if hasattr(d, "text")]
    paragraphs = [p for t in texts for p in t.split("\n")]
    assert len(paragraphs) > 5000 and sum("电" in p[:37] or "讯" in p[:37] for p in paragraphs) > 50
    edge = "某" * 30 + "12月31日电 民警查处违法行为5起"
    paragraphs += [edge, "某" + edge, "某" * 12 + ":正文", "某" * 13 + ":正文", "新华社北京3月1日电(记者 王五) 正文", "本报讯 正文", ""]
    for p in paragraphs:
        assert _core(p) == _unblanked(_LEAD_PREFIX.sub("", p.strip(), count=1)), p
    assert _core(edge) == "民警查处违法行为5起" and _core("某" + edge) == _unblanked("某" + edge)
