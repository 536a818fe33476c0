"""Numbers as tallies write them, and the numbers that are not tallies."""
import pytest

from pipeline.extract import analyse
from pipeline.numbers import find_quantities, parse_number

from .conftest import raw


@pytest.mark.parametrize("num,mag,value", [("268", None, 268), ("1.52", "亿", 152000000), ("5.4", "万", 54000),
                                           ("一千六百", None, 1600), ("两万", None, 20000), ("三百", None, 300), ("百", None, 100),
                                           ("二百八十二点五", None, 282.5), ("12,000", None, 12000), ("1,234.5", "万", 12345000)])
def test_parse_number(num, mag, value):
    assert parse_number(num, mag) == value


def _one(text, rules):
    return [(m.category, m.value, m.unit, m.approx) for m in analyse(raw(text), rules).article.metrics]


@pytest.mark.parametrize("text,expected", [
    ("发放宣传资料1600余份。", ("materials", 1600, "份", True)),
    ("接受群众咨询百余人次。", ("participants", 100, "人次", True)),
    ("发放宣传资料近万份。", ("materials", 10000, "份", True)),
    ("累计出动警力31.2万余人次。", ("officers", 312000, "人次", True)),
    ("52.3余万人参加。", ("participants", 523000, "人", True)),
    ("挽回损失126万元。", ("property_recovered", 1260000, "元", False)),
    ("缴获毒品约291.5公斤。", ("drugs_seized", 291.5, "公斤", True)),
    ("全国1.52亿学生接受了禁毒教育。", ("participants", 152000000, "人", False)),
    ("共出动警力六万余人次。", ("officers", 60000, "人次", True)),
    ("共发放宣传资料12,000余份。", ("materials", 12000, "份", True)),
    ("活动吸引上千名群众参与。", ("participants", 1000, "名", True)),
    ("共出动警力800人左右。", ("officers", 800, "人", True)),
    ("缴获各类毒品三百二十八点五公斤。", ("drugs_seized", 328.5, "公斤", False)),
    ("检查KTV12家。", ("inspections", 12, "家", False)),
    ("为群众挽回经济损失近百万元。", ("property_recovered", 1000000, "元", True)),  # cn2an reads 一百万, not 百万
    ("发放宣传资料近5千份。", ("materials", 5000, "份", True)),  # 千 after digits; 5千克 is a unit
    ("缴获冰毒5千克。", ("drugs_seized", 5, "千克", False)),
    ("共出动警力超300人次。", ("officers", 300, "人次", True)),
    ("共出动警力不少于300人次。", ("officers", 300, "人次", True)),
    ("分局每晚投入巡逻警力300余人。", ("officers", 300, "人", True)),  # a day's figure, as 日均 is
])
def test_hedges_and_magnitudes(text, expected, rules):
    assert expected in _one(text, rules)


@pytest.mark.parametrize("text", [
    "丹东警方第29个“110宣传日”送平安进万家。",
    "新闻热线:0537-3161789。",
    "如因作品内容问题需要同本网联系的,请30日内进行。",
    "为期20天的活动中,案件同比上升10.41%。",
    "全县划分为5个片区,开展六项活动。",
    "经查,该团伙冒充电商客服作案200余起。",
    "经查,涉案金额1.3亿元。",
    "为期6个月的整治将于年底结束。",
    "民警破获一起贩毒案,查扣一辆轿车。",
    "涉案金额30万元以上的案件由市局督办。",
    "各县均明确1名专管民警。",
    "各派出所每天开展巡逻不少于2次。",
    "分局每晚安排巡逻警力不少于30人。",
    "每天安排20至30名民警在校门口值守。",
    "捣毁枪支零部件加工窝点。",
    "大会对12个先进派出所和36名先进个人进行了表彰。",
    "现场观众则在选票上写下自己最认可的10名候选人。",
    "经过角逐,评选出优秀民警10名。",
])
def test_not_tallies(text, rules):
    assert _one(text, rules) == []


def test_reasons_are_given(rules):
    qs = find_quantities("第29个宣传日,电话0537-3161789,为期20天,11月6日,上升10.41%,第一派出所", rules.tallies.syntax)
    reasons = {q.raw: q.reason for q in qs}
    assert reasons["29个"].startswith("ordinal")
    assert "phone" in reasons["0537"]
    assert reasons["20"] == "date, time or duration"
    assert reasons["11"] == "date, time or duration"
    assert reasons["10.41"] == "percentage or rate"
    assert reasons["一"].startswith("ordinal")


def test_people_honoured_or_a_choice_to_make_say_why(rules):
    qs = find_quantities("对12个先进派出所进行表彰,评选出优秀民警10名,选派12名优秀民警参加比武。", rules.tallies.syntax)
    reasons = [(q.raw, q.reason) for q in qs]
    assert reasons[0][1].startswith("people or units honoured") and reasons[1][1].startswith("people or units honoured")
    assert reasons[2] == ("12名", None)  # chosen to take part: officers, a tally


def test_a_list_of_places_after_qizhong_is_no_list_of_parts(rules):
    text = "共破获涉枪案件236起,收缴枪支1120支。其中,石家庄、保定、邯郸三地共破获案件97起,收缴枪支480支。"
    got = {(m.value, m.breakdown) for m in analyse(raw(text), rules).article.metrics}
    assert got == {(236, False), (1120, False), (97, True), (480, True)}
