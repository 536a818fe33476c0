"""Every rule in rules/*.yaml carries its examples and counter-examples; this runs them all."""
import pytest

from pipeline.clean import clean
from pipeline.extract import analyse
from pipeline.rules import load_rules

from .conftest import raw

RULES = load_rules()


def _tallies(text, rules):
    return analyse(raw(text), rules).article.metrics


def _has(metrics, exp):
    for m in metrics:
        if (m.category, float(m.value), m.unit) == (exp.category, exp.value, exp.unit):
            if exp.approx is not None and m.approx != exp.approx:
                return False
            if exp.breakdown is not None and m.breakdown != exp.breakdown:
                return False
            return True
    return False


TALLY_EXAMPLES = [(r.id, ex) for r in RULES.tallies.rules for ex in r.examples]
TALLY_COUNTER = [(r.id, ex) for r in RULES.tallies.rules for ex in r.counter_examples]


@pytest.mark.parametrize("rule_id,example", TALLY_EXAMPLES, ids=[f"{r}:{e.text[:12]}" for r, e in TALLY_EXAMPLES])
def test_tally_rule_example(rule_id, example, rules):
    """An example gives the tallies its `expect` lists, and no others: what it leaves out (a
    victim count, a rate, a last-year figure) it says is no tally."""
    got = _tallies(example.text, rules)
    for exp in example.expect:
        assert _has(got, exp), f"{rule_id}: {example.text!r} should give {exp}, got {[(m.category, m.value, m.unit, m.rule) for m in got]}"
    assert len(got) == len(example.expect), f"{rule_id}: {example.text!r} gave tallies its expect does not list: {[(m.category, m.value, m.unit) for m in got]}"


@pytest.mark.parametrize("rule_id,example", TALLY_COUNTER, ids=[f"{r}:{e.text[:12]}" for r, e in TALLY_COUNTER])
def test_tally_rule_counter_example(rule_id, example, rules):
    got = _tallies(example.text, rules)
    assert not any(m.rule == rule_id for m in got), f"{rule_id} fired on its counter-example {example.text!r}"
    for exp in example.expect:
        assert _has(got, exp), f"{example.text!r} should give {exp}, got {[(m.category, m.value, m.unit, m.rule) for m in got]}"
    assert len(got) == len(example.expect), f"{example.text!r} should give only {len(example.expect)} tallies, got {[(m.category, m.value, m.unit) for m in got]}"


def _acts(ex, rules):
    return analyse(raw(ex.text, published=ex.published), rules).article.activities


@pytest.mark.parametrize("example", RULES.activities.examples, ids=[e.text[:14] for e in RULES.activities.examples])
def test_activity_example(example, rules):
    acts = _acts(example, rules)
    if example.exact:
        assert len(acts) == len(example.expect), f"expected only {[e['name'] for e in example.expect]}, got {[a.name for a in acts]}"
    for exp in example.expect:
        match = [a for a in acts if exp["name"] in a.name or a.name in exp["name"]]
        assert match, f"no activity {exp['name']!r} in {[a.name for a in acts]}"
        a = min(match, key=lambda a: a.name != exp["name"])  # the one of that very name, if there is one
        assert a.type == exp["type"]
        if exp.get("whole_name"):  # the name itself, not only one the scorer would accept (either inside the other)
            assert a.name == exp["name"], f"name {a.name!r} != {exp['name']!r}"
        for k in ("start", "end"):
            if k in exp:
                assert getattr(a, k) == exp[k], f"{exp['name']}: {k} {getattr(a, k)} != {exp[k]}"


@pytest.mark.parametrize("example", RULES.activities.counter_examples, ids=[e.text[:14] for e in RULES.activities.counter_examples])
def test_activity_counter_example(example, rules):
    assert _acts(example, rules) == []


@pytest.mark.parametrize("example", RULES.boilerplate.examples + RULES.boilerplate.counter_examples,
                         ids=[e.text[:14] for e in RULES.boilerplate.examples + RULES.boilerplate.counter_examples])
def test_boilerplate_examples(example, rules):
    c = clean("正文第一段。\n" + example.text + "\n正文最后一段。", rules.boilerplate)
    blanked = not c.body.split("\n")[1].strip()  # (the body is the folded view: compare the line, not its text)
    assert blanked == example.blank


def _cues(rules):
    """Every cue of every rule file that has them, as (file, name, cue)."""
    return [(part, name, cue) for part in ("tallies", "activities", "metadata", "language") if getattr(getattr(rules, part), "cues", None) is not None
            for name, cue in getattr(rules, part).cues]


CUES = _cues(RULES)


@pytest.mark.parametrize("part,name,cue", CUES, ids=[f"{p}.{n}" for p, n, _ in CUES])
def test_cue_finds_its_examples_and_not_its_counter_examples(part, name, cue):
    for text in cue.examples:
        assert cue.finds(text), f"{part}.cues.{name} ({cue.use}) should find {text!r}"
    for text in cue.counter_examples:
        assert not cue.finds(text), f"{part}.cues.{name} ({cue.use}) should not find {text!r}"


def test_every_rule_has_examples_of_both_kinds(rules):
    for r in rules.tallies.rules:
        assert r.examples and r.counter_examples, r.id


def test_an_edited_rule_set_gets_its_own_compiled_indexes(rules):
    """Stages memoize what they compile from a rule object; an edited copy loaded in the same
    process (as `ingest --reextract` after a rules edit does) must not be served the old one."""
    from pipeline.tallies import find_tallies

    body = "本次行动共查处酒驾醉驾12起。"
    before = [f.category for f in find_tallies(body, rules.tallies, rules.language.cues) if f.is_tally]
    edited = rules.tallies.model_copy(update={"rules": [r for r in rules.tallies.rules if r.category != "violations"]})
    after = [f.category for f in find_tallies(body, edited, rules.language.cues) if f.is_tally]
    assert before == ["violations"]
    assert "violations" not in after
    assert [f.category for f in find_tallies(body, rules.tallies, rules.language.cues) if f.is_tally] == ["violations"]


# Which activity each tally belongs to (links.py): an article, and the activity named for each
# tally given (by value and unit); the tallies not listed are not checked.
LINK_CASES = [
    ("consultation desks set up at a day held jointly with another are the publicity day's",
     "巩义市公安局举行“110宣传日”暨警营开放日活动\n1月10日上午,巩义市公安局在市人民广场举行“110宣传日”暨警营开放日活动,"
     "设立咨询台8个,发放宣传资料6000余份。随后,150余名群众代表走进指挥中心参观。",
     {(8, "个"): "110宣传日", (6000, "份"): "110宣传日", (150, "名"): "警营开放日"}),
    ("a paragraph naming no activity reports on the headline campaign",
     "某县公安局“百日攻坚”行动成效明显\n“百日攻坚”行动开展以来,全县公安机关共破获刑事案件50起。\n"
     "行动中,该局组织开展夜间巡逻防控,累计投入警力300人次。\n在道路交通管理方面,交警大队共查处酒驾违法行为28起。",
     {(50, "起"): "百日攻坚", (300, "人次"): "夜间巡逻", (28, "起"): "百日攻坚"}),
    ("with no activity in the headline, the campaign the lead names before any figure is the one returned to",
     "某县公安局打击“两抢一盗”战果显著\n今年9月以来,某县公安局开展打击“两抢一盗”专项行动,共破获案件87起。\n"
     "一是强化巡逻防控。共出动警力2100余人次。\n二是加强源头管控。对全县31家废品收购站进行清理整顿,责令停业整顿3家。",
     {(87, "起"): "两抢一盗", (2100, "人次"): "巡逻防控", (31, "家"): "两抢一盗", (3, "家"): "两抢一盗"}),
    ("an activity named as a heading keeps the figures below it",
     "某县公安局“百日攻坚”行动成效明显\n“百日攻坚”行动开展以来,全县公安机关共破获刑事案件50起。\n"
     "二是开展夜间巡逻防控。\n累计投入警力300人次,查处酒驾违法行为28起。",
     {(300, "人次"): "夜间巡逻", (28, "起"): "夜间巡逻"}),
    ("a sentence opening with 大会上 points back to the meeting",
     "县公安局举办涉案财物集中返还大会\n5月8日,县公安局举办2022“雷霆”行动涉案财物集中返还大会。局领导通报了“雷霆”行动推进情况。\n"
     "大会上,民警将追回的12辆电动车当场返还给失主。",
     {(12, "辆"): "涉案财物集中返还"}),
    ("what was done at the meeting's venue belongs to the meeting",
     "县公安局举办涉案财物集中返还大会\n5月8日,县公安局举办2022“雷霆”行动涉案财物集中返还大会。局领导通报了“雷霆”行动推进情况。\n"
     "为增强群众防范意识,县公安局还在会场布置了宣传展板,向到场群众散发了1500余份宣传资料。",
     {(1500, "份"): "涉案财物集中返还"}),
    ("a sentence opening with 期间 points back to the campaign that spans a period",
     "某区公安分局开展夏夜治安巡查集中统一行动\n9月8日至10日,某区公安分局全面启动夏夜治安巡查集中统一行动。\n"
     "分局组织平安志愿者开展夜间联防巡逻,守护群众平安。\n期间,共设置查缉卡点31个,检查车辆1174辆次。",
     {(31, "个"): "夏夜治安巡查集中统一行动", (1174, "辆次"): "夏夜治安巡查集中统一行动"}),
    ("a pointing-back sentence carries its activity to the next ones of its paragraph, not past it",
     "某区公安分局开展夏夜治安巡查集中统一行动\n9月8日至10日,某区公安分局全面启动夏夜治安巡查集中统一行动。"
     "分局组织平安志愿者开展夜间联防巡逻,守护群众平安。期间,共设置查缉卡点31个,检查车辆1174辆次。查处酒醉驾12起,超员7起。\n"
     "分局还组织民警开展夜间巡逻,累计出动警力200人次。",
     {(31, "个"): "夏夜治安巡查集中统一行动", (12, "起"): "夏夜治安巡查集中统一行动", (7, "起"): "夏夜治安巡查集中统一行动",
      (200, "人次"): "夜间巡逻"}),
    ("a sentence opening with 整治期间 points back to the clean-up",
     "丰宁县公安局交警大队扎实开展道路交通安全专项整治\n"
     "为进一步预防和减少道路交通事故,今年8月至10月,丰宁县公安局交警大队在全县范围内开展了道路交通安全专项整治行动,取得明显成效。\n"
     "(一)加强宣传教育。大队组织民警深入乡镇、学校、企业开展交通安全宣传,共举办交通安全知识讲座16场。\n"
     "(二)严查交通违法。整治期间,共查处各类交通违法行为4862起,暂扣机动车326辆。",
     {(16, "场"): "交通安全宣传", (4862, "起"): "道路交通安全专项整治"}),
    ("a sentence opening with 宣传期间 points back to the publicity, past a meeting held in it",
     "某市交警深入乡镇开展冬季交通安全宣传\n12月2日至5日,某市公安局交警大队开展冬季道路交通安全宣传,召开交通安全座谈会3场,"
     "发放宣传资料2000余份。宣传期间,民警在乡道路口检查过往车辆310辆次,劝导纠正交通违法行为86起。",
     {(3, "场"): "交通安全座谈会", (310, "辆次"): "冬季道路交通安全宣传", (86, "起"): "冬季道路交通安全宣传"}),
    ("a sentence opening with a centre (宣传中心) does not point back to the publicity",
     "某县公安局近期工作动态\n5月8日,某县公安局开展防诈宣传活动,发放宣传资料1200份。5月9日,该局开展消防安全检查,"
     "检查场所32家。宣传中心民警同日检查出租房屋15户。",
     {(1200, "份"): "防诈宣传", (32, "家"): "消防安全检查", (15, "户"): "消防安全检查"}),
    ("a pointing-back opening wins over an activity named after the figures",
     "石门县公安局开展“平安校园”创建活动\n3月1日至4日,石门县公安局在全县中小学校开展“平安校园”创建活动,排查整改安全隐患19处。\n"
     "活动期间,民警为师生上法治安全课48堂,并在学校周边设置“护学岗”53个。",
     {(48, "堂"): "平安校园创建活动", (53, "个"): "护学岗"}),
    ("events named together take the figures whose clause names their kind",
     "武冈公安举行涉案财物集中返还暨防范电信诈骗宣传活动\n"
     "1月10日上午,武冈市公安局在市人民广场举行涉案财物集中返还暨防范电信诈骗宣传活动,向45名受害群众返还被骗资金86万余元、被盗摩托车9辆。\n"
     "活动现场,民警设置咨询台6个,发放宣传资料1500余份。",
     {(860000, "元"): "涉案财物集中返还", (9, "辆"): "涉案财物集中返还", (45, "名"): "涉案财物集中返还",
      (1500, "份"): "防范电信诈骗宣传"}),
    ("a clause naming only a campaign word (行动不便) keeps the default link",
     "某县公安局开展冬季攻势\n在集中清查的同时,该局户政部门开展“户籍便民服务月”活动,为行动不便的老人提供上门服务230余次。",
     {(230, "次"): "户籍便民服务月"}),
    ("of events named together, a tally with no kind in its clause goes with the one before it in its sentence",
     "某县公安局举办“110宣传日”暨警营开放日活动\n1月10日,某县公安局举办“110宣传日”暨警营开放日活动。\n"
     "活动现场,民警共发放宣传资料2600余份,接受群众咨询180余人次。\n当天下午,该局邀请40余名群众代表走进指挥中心。",
     {(2600, "份"): "110宣传日", (180, "人次"): "110宣传日"}),
    ("a paragraph opening with 今年以来 after a one-day event tells the bureau's figures, not the event's",
     "某县公安局开展“6·26”国际禁毒日集中宣传活动\n6月26日,某县公安局在人民广场开展“6·26”国际禁毒日集中宣传活动,发放宣传资料1800余份。\n"
     "今年以来,某县公安局共破获毒品案件23起,抓获涉毒违法犯罪嫌疑人41名。",
     {(1800, "份"): "6·26国际禁毒日集中宣传", (23, "起"): None, (41, "名"): None}),
    ("a year's figures of the 110 service are not the 110 day's",
     "某县公安局开展“110宣传日”活动\n1月9日,某县公安局开展“110宣传日”活动,设置咨询台8个。\n"
     "据统计,2023年全县110报警服务台共接报各类警情1.6万余起。",
     {(8, "个"): "110宣传日", (16000, "起"): None}),
    ("a case solved on one day is one case: the year's cases solved after it are not its own",
     "瑞丽警方破获一起特大运输毒品案\n8月5日,瑞丽市公安局禁毒大队查获冰毒36.8公斤,当场抓获犯罪嫌疑人2名。\n"
     "今年以来,瑞丽市公安局共破获毒品刑事案件186起,抓获毒品犯罪嫌疑人213名。",
     {(2, "名"): "特大运输毒品案", (186, "起"): None, (213, "名"): None}),
    ("…but a clause naming the event's kind keeps it, and so does the figure after it in its sentence",
     "某县公安局举办警营开放日活动\n5月18日,某县公安局举办警营开放日活动,邀请群众代表60余人走进警营。\n"
     "今年以来,该局已累计举办警营开放日活动8场,接待群众1500余人次。全年共破获刑事案件73起,抓获犯罪嫌疑人41名。",
     {(60, "人"): "警营开放日", (8, "场"): "警营开放日", (1500, "人次"): "警营开放日", (73, "起"): None, (41, "名"): None}),
]


@pytest.mark.parametrize("text,expected", [c[1:] for c in LINK_CASES], ids=[c[0] for c in LINK_CASES])
def test_tally_links(text, expected, rules):
    links = {(m.value, m.unit): m.activity for m in analyse(raw(text, published="2023-09-08"), rules).article.metrics}
    assert {k: links.get(k) for k in expected} == expected


def test_a_bracketed_heading_whose_paragraph_points_back_keeps_no_figures(rules):
    text = ("蛟河市公安局冬季治安打击整治行动战果丰硕\n"
            "10月15日以来,蛟河市公安局全面开展冬季治安打击整治行动,共破获刑事案件58起。\n"
            "【清查整治】行动期间,组织开展集中清查4次,清查旅店、网吧等场所186家次。\n"
            "【矛盾化解】排查化解各类矛盾纠纷94起。")
    art = analyse(raw(text, published="2021-12-06"), rules).article
    assert [a.name for a in art.activities] == ["冬季治安打击整治行动"]
    assert {m.activity for m in art.metrics} == {"冬季治安打击整治行动"}


def test_a_bracketed_heading_of_the_headlines_campaigns_kind_heads_a_section_of_its_report(rules):
    text = ("营口市公安局“夏季行动”战果通报\n"
            "【打击破案】6月以来,全市公安机关深入推进“夏季行动”,共破获刑事案件1326起。\n"
            "【交通整治】查处酒驾醉驾违法行为862起,其中醉驾215起。")
    art = analyse(raw(text, published="2023-09-05"), rules).article
    assert [a.name for a in art.activities] == ["夏季行动"]
    assert {m.activity for m in art.metrics} == {"夏季行动"}
    # a heading of another kind than the headline's campaign is an undertaking of its own
    text = ("桐梓县公安局全力护航2023年高考安保\n6月7日至9日,该局全力开展高考安保工作。\n"
            "【宣传提示】各派出所民警走进学校、社区,发放宣传资料近万份。")
    art = analyse(raw(text, published="2023-06-09"), rules).article
    assert [a.name for a in art.activities] == ["高考安保", "宣传提示"]


def test_a_hedged_round_figure_counts_once_beside_the_exact_one_it_restates(rules):
    got = {(m.value, m.unit) for m in _tallies("今年以来破案百余起。全年共破获刑事案件126起。", rules)}
    assert got == {(126, "起")}
    got = {(m.value, m.unit) for m in _tallies("全年共破获刑事案件96起,破案近百起。", rules)}
    assert got == {(96, "起")}  # 近 (nearly) may round up
    # 余 says "more than": 2400余份 is not a rounding of 2238份
    got = {(m.value, m.unit) for m in _tallies("发放测评表2400余份,回收有效测评表2238份。", rules)}
    assert got == {(2400, "份"), (2238, "份")}


def test_a_headline_figure_written_with_wan_counts_once_beside_the_body_figure_it_rounds(rules):
    text = "萧县交警春运期间查处交通违法1.2万起\n1月26日至3月5日,萧县公安局交警大队共查处各类交通违法行为12036起。"
    art = analyse(raw(text), rules).article
    assert [(m.value, m.unit) for m in art.metrics] == [(12036, "起")]
    # a body figure the headline's does not round is a tally of its own
    text = "萧县交警查处交通违法1.2万起\n其中,城区查处交通违法行为8036起。"
    assert sorted(m.value for m in analyse(raw(text), rules).article.metrics) == [8036, 12000]
