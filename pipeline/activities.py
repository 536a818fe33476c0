"""Activities: the named campaigns and events an article reports, with their dates.

Pure functions of the cleaned body, the publication date and `rules/activities.yaml`.
Dates are found next to the activity and completed from the publication date
("11月6日至26日" in an article of 2013-11-28 → 2013-11-06..2013-11-26).
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Optional, Union

from .festivals import festival_day
from .patterns import finditer_from_literal, searchable
from .rules import ActivityRules, LanguageCues
from .spans import Marks, marks

# a time of day after a day (晚8时, 零时, 20:00, 24时), which says nothing of the date itself
_HOUR = r"(?:[上下]午|晚上?|凌晨|夜间|当天)?(?:\d{1,2}(?:时|点|:\d{2})(?:\d{1,2}分)?|[零一二三四五六七八九十]{1,3}[时点])?"
_DATE = searchable(
    rf"(?:(?P<y1>\d{{4}})年)?(?:(?P<m1>\d{{1,2}})月)?(?P<d1>\d{{1,2}})日{_HOUR}(?:起)?"
    rf"(?:(?:[至到\-—~])(?:(?P<next>次日|翌日){_HOUR}|(?P<rel>明年|次年|今年)?(?:(?P<y2>\d{{4}})年)?(?:(?P<m2>\d{{1,2}})月)?"
    rf"(?:(?P<d2>\d{{1,2}})日{_HOUR}|(?P<eom>底|末))))?"
)
# words after a date that make it the start only, or the end only, of an activity
_OPENS = searchable(r"^(?:[^,。;“]{0,12}“[^”]{1,24}”[^,。;]{0,6}?|[^,。;]{0,4}?)(?:起|以来|开始|启动|上线|铺开|打响|至今(?!年))")  # (1月10日“春雷行动”启动以来, 6月25日夏季治安打击整治“百日行动”开展以来, 5月20日至今)
# from the day of publication to a date (即日起至12月31日)
_FROM_TODAY = searchable(r"即日起\s*(?:至|到)\s*$")
# (the subject may come first: 4月14日,肇庆市公安局召开新闻发布会,通报…)
_REPORTING = searchable(r"[^。;]{0,3}?(?:记者|本报|从[^。;,]{0,12}(?:获悉|了解到|获知)"
                        r"|(?:[^。;,“”]{0,10}?(?:公安局|公安厅|公安部|分局|支队|大队|警方))?(?:召开[^。;,]{0,8}新闻发布会|通报))")
# 自6月25日“夏季治安打击整治行动”开展以来: 自/从 before a date, and 以来/起 later in its clause
_OPENS_LATER = searchable(r"^[^,。;]{0,24}?(?:以来|起|开始)")
# a duration longer than the day given (为期两个月的, 为期100天的): that day is the start only
_LASTING = searchable(r"为期(?!一天|1天|半天|当天)[\d一二两三四五六七八九十百半]{1,4}(?:个)?(?:天|日|周|星期|月|年)")
_CLOSES = searchable(r"^[^。;]{0,20}?(?:收官|结束|落幕|落下帷幕|告一段落)")
_CLAUSE_SPLIT = searchable(r"[,。;:!?\n]")
_QUOTED = searchable(r"“([^”“\n]{1,24})”")
_TAIL_SPLIT = searchable(r"[,。;:!?、“”\s(]|暨|和|与|及|并")
_STOP_OR_END = searchable(r"[,。;!?]|$")
_HAN = searchable(r"[\u4e00-\u9fa5]")
_PHRASE_SPLIT = searchable(r"[,。;:!?、“”‘’\s()《》【】]")
_ENUMERATED = searchable(r"\s*[一二三四五六七八九十]是[^,。;]{0,8}$")
_LEADING_ORDINAL = searchable(r"^[\d第]+")
_COUNT_RUN = searchable(r"[余多]?[\d.一二两三四五六七八九十百千万]+[余多]?(?:场次|人次|次|场|个|期|项|起|批|轮)?")
_SHORT_NAME = searchable(r"\s*[((]\s*(?:以下)?(?:简称|称)\s*")
_WORD_LIST = searchable(r"(?:[\u4e00-\u9fa5]{1,6}、)+")
_OWN_TIME = searchable(r"以来|近日|近期|日前|今年|年初|此前|连日来|近段时间|\d{1,2}月")
_DAY_IS = searchable(r"\s*\d{1,2}月\d{1,2}日(?:是|为|系)")
# a month named as a campaign's own (6月是全国防范非法集资宣传月): the campaign is that month
_MONTH_IS = searchable(r"(?:每年)?(?P<m>\d{1,2})月份?(?:是|为)[^,。;]{2,24}?月(?=[,。;]|$)")
_DURING = searchable(r"\s*(?:专项)?(?:行动|活动|整治)(?:中|期间|以来|开展以来|首[日周月]|第[一二三四五六七八九十\d]{1,2}(?:天|周|个月))")
_TODAY = searchable(r"今天|今日(?![头报])")
_YESTERDAY = searchable(r"昨天|昨日")
# a festival named as a day (除夕夜, 中秋节当晚), not a holiday period (中秋假期, 春节期间, 国庆中秋“双节”,
# 端午节假期: the 节 is taken whole, so 端午 alone does not stand before 节假期)
_FESTIVAL = searchable(r"(?<![国庆春节、和与])(除夕|大年三十|年三十|元宵节?+|端午节?+|中秋节?+|元旦)"
                       r"(?!假期|期间|小长假|前后|节前|节后|以来|前夕|假日|[、和与]|国庆|春节|“?双节)")
_FIRST_LINE = searchable(r"(?<=\n)[ \t\u3000]*(?=\S)")
_BACK_START = searchable(r"(?:(?<=[,。;:\n])|自)(?:今年)?(?:\d{4}年)?\d{1,2}月\d{1,2}日(?:起)?,?(?:专项)?(?:行动|活动|整治|攻坚)(?:开展|启动|部署)?以来")
# a lead that opens with a day or a range of days (3月11日,…; 6月7日至8日,…; not 截至/以来)
_LEAD_DAY = searchable(r"\s*(?:本报[^)\n]{0,30}\)\s*|[^\n,。]{0,12}讯\s*(?:\([^)\n]{0,30}\))?\s*)?(?:\d{4}年)?\d{1,2}月\d{1,2}日(?:[至到\-—~](?:\d{1,2}月)?\d{1,2}日)?(?:[上下]午|晚|晚上|凌晨)?,")
_LEAD_SPAN = searchable(r"\s*(?:\d{4}年)?\d{1,2}月\d{1,2}日[至到\-—~](?:\d{1,2}月)?\d{1,2}日(?:[上下]午|晚|晚上|凌晨)?,")
_LEAD_DATE = searchable(r"(?:^|\n)\s*(?=\d{1,2}月\d{1,2}日)[^。\n]{4,30}。$")
_HEDGED_COUNT = searchable(r"[\d一二三四五六七八九十两百千万]+[余多]")
_QUOTE_CHAIN = searchable(r"(?:[、和与及]?“[^”“\n]{1,24}”)*")
_BARE_HEAD_END = searchable(r"[,。;]|工作|活动")


@dataclass
class Mention:
    name_span: tuple[int, int]  # view span of the name as written (quotes excluded)
    name: str  # the name, simplified, quotes removed (“黄赌毒”违法… → 黄赌毒违法…)
    type: str
    start: Optional[str]
    end: Optional[str]
    sentence: tuple[int, int]
    quoted: bool = False
    positions: list[int] = field(default_factory=list)  # every place it is mentioned
    written: tuple[int, int] = (0, 0)  # the whole written mention, head word included
    context: str = ""  # words right before a quoted name (夏季治安打击整治“百日行动”)
    heading: bool = False  # named at the head of its paragraph (筹划召开公开退赃活动。)
    introduced: bool = True  # quoted, or brought in by a verb such as 开展/启动
    in_title: bool = False
    paragraph: int = 0  # offset of its paragraph
    counted: bool = False  # a count follows the head (开展群众满意度电话回访280余次)
    generic: bool = False  # only a generic word before the head (主题宣传, 集中宣传): no name of its own
    own_head: bool = False  # a quoted name that is itself a kind of activity (“护学岗”, “110宣传日”)
    planned: bool = False  # named only in what the police will do next (下一步,…将深入开展“清源断流”行动)
    bracketed: bool = False  # a 【…】 heading (【巡逻防控】): the paragraph's own wording names it better
    bare_head: bool = False  # the head word alone, nothing before it (…开展安全检查)
    launched: bool = False  # dated by its launch (启动仪式, 动员部署会, 启动…): the day it began, a start only


_SENTENCE_END = "。!?\n"


def type_of(name: str, context: str, rules: ActivityRules) -> str:
    for t, rx in rules.type_res:
        if rx.search(name):
            return t
    for t, rx in rules.type_res:
        if rx.search(context):
            return t
    return "other"


def _is_context(body: str, start: int, end: int, rules: ActivityRules) -> bool:
    """以“三访创满意”活动为契机 / 按照…部署: named as background, not reported."""
    before = body[max(0, start - 16):start]
    before = _CLAUSE_SPLIT.split(before)[-1]
    if rules.compiled["context_after"].match(body[end:end + 12]):
        return True
    return bool(rules.compiled["context_only"].search(before)) and not rules.cues.held.re.search(before[-6:])


def _quoted(body: str, rules: ActivityRules, published: Optional[str], sentences: Marks, title_end: int = 0) -> list[Mention]:
    heads, c, cue = rules.heads_re, rules.compiled, rules.cues
    out = []
    for m in _QUOTED.finditer(body):
        x = m.group(1).strip()
        # quoted names in a row share the head after them (开展“净网”“断卡”等专项行动)
        after = _QUOTE_CHAIN.match(body, m.end()).end()
        after += body.startswith("等", after)
        shared = after > m.end()
        tail = _TAIL_SPLIT.split(body[after:after + 16])[0]
        hm = heads.search(tail)
        cont = tail[:hm.end()] if hm and hm.start() <= 10 else ""
        cont_end = after + len(cont) if cont else m.end()
        x_head = heads.search(x)
        x_head = x_head if x_head and x_head.end() == len(x) else None
        verb_before = cue.verb_before_quote.re.search(body[max(0, m.start() - 8):m.start()])
        results = cue.results_after.re.match(body, m.end()) is not None  # “畅通工程”成效显著: the work its results are
        # the headline's police body, then its quoted program, then what it does (…交警大队“两站两员”筑牢…)
        # (not a day's name: 景洪市公安局“6·26”国际禁毒日通报…)
        results = results or (m.start() < title_end and cue.police_body.re.search(body, max(0, m.start() - 6), m.start()) is not None
                              and _HAN.match(body, m.end()) is not None and _HAN.search(x) is not None)
        if not (cont or x_head or verb_before or results):
            continue
        if (not (cont or x_head or results) and not _STOP_OR_END.match(body[m.end():m.end() + 1])
                and not cue.event_after_quote.re.match(body, m.end())):
            continue  # 组织“龙华义警”等志愿组织, 开设“防骗课堂”26次: a thing named or counted, not an activity
        if not (cont or x_head) and cue.done_to.re.search(body, max(0, m.start() - 16), m.start()):
            continue  # 逐家对承办方开展“约谈”: what was done to someone, quoted, not an activity's name
        if _is_context(body, m.start(), cont_end, rules):
            continue
        modifier = cont[:hm.start()] if cont else ""
        if modifier and c["left_cut"].search(modifier):
            continue  # “三合一”场所开展消防安全检查: the quoted words are an object, not the name
        if cont and not shared and not _HAN.search(x):
            name, span = x + cont, (m.start(1), cont_end)
        elif cont and not shared and not x_head and not c["head_modifiers"].match(modifier) and len(modifier) <= 10:
            name, span = x + cont, (m.start(1), cont_end)
        else:
            name, span = x, (m.start(1), m.end(1))
        if c["not_activity"].search(name) or len(name) < 2:
            continue
        sent = sentences.around(m.start())
        # a head word that says what was done names the kind (“平安守护”清查行动 is a clean-up raid);
        # a bare campaign word (“护校安园”专项行动) leaves it to the name
        head_type = type_of(cont, "", rules) if cont and not c["generic_heads"].match(cont) and not cue.campaign.re.match(cont) else "other"
        rest = body[cont_end:cont_end + 10]
        rest = rest[2:] if rest.startswith(("活动", "行动")) else rest
        counted = bool(cont) and c["counted_after_head"].match(rest) is not None  # (“平安暑假”等宣传活动150余场)
        # a counted event's kind is read in its own clause, not from a campaign its sentence names
        # (…开展“一盔一带”安全守护行动,…开展头盔“以旧换新”活动3场)
        around = _clause(body, m.start()) if counted else sent
        if not cont and cue.service_after.re.match(body, m.end()):
            typ = type_of(name, "", rules)  # a service named in quotes (实行“不打烊”服务) is of the kind its name says, else other
        else:
            typ = head_type if head_type != "other" else type_of(name + cont, body[around[0]:around[1]], rules)
        start, end = dates_near(body, sent, m.start(), published)
        before = _PHRASE_SPLIT.split(body[max(0, m.start() - 12):m.start()])[-1]
        cuts = list(c["left_cut"].finditer(before))
        context = before[cuts[-1].end():] if cuts else before
        out.append(Mention(span, name, typ, start, end, sent, True, [m.start()], (m.start(), cont_end), context=context,
                           counted=counted, own_head=bool(x_head) and not c["generic_heads"].match(x_head.group(0))))
    return out


def _clause(body: str, pos: int) -> tuple[int, int]:
    """The comma-delimited clause around `pos`."""
    start = max(body.rfind(ch, 0, pos) for ch in ",;。\n") + 1
    ends = [i for i in (body.find(ch, pos) for ch in ",;。\n") if i >= 0]
    return start, min(ends) if ends else len(body)


def _unquoted(body: str, rules: ActivityRules, published: Optional[str], taken: list[tuple[int, int]],
              sentences: Marks, title_end: int = 0) -> list[Mention]:
    heads, c, cue = rules.heads_re, rules.compiled, rules.cues
    out = []
    quoted_at = {a for a, _ in taken}
    for m in heads.finditer(body):
        if any(a <= m.start() < b for a, b in taken) or c["not_after_head"].match(body[m.end():m.end() + 8]):
            continue
        if m.end() in quoted_at:
            continue  # 禁毒宣传“六进”活动: the words before a quoted name say what it is, not another activity
        window = body[max(0, m.start() - 16):m.start()]
        window = _PHRASE_SPLIT.split(window)[-1]
        cuts = list(c["left_cut"].finditer(window))
        # the verb may stand before words of scope or a duration (举办全市公安机关…大比武, 开展为期一个月的…整治)
        introduced = bool(cuts) and (bool(c["introducing_verbs"].search(window[:cuts[-1].end()]))
                                     or cue.scope_after_verb.re.search(window[:cuts[-1].end()]) is not None)
        if cuts and cuts[-1].group(0) == "暨" and not introduced:
            # 举办涉案财物集中返还暨防诈宣传活动: the verb before the first event introduces the second
            # (the verb may stand further back than the window, at the start of the clause)
            joint = m.start() - len(window) + cuts[-1].start()
            clause_start = max(body.rfind(ch, 0, joint) for ch in ",。;:\n") + 1
            introduced = _introduced_before(body[max(clause_start, joint - 40):joint], c["introducing_verbs"])
        if not cuts and body[m.start() - len(window) - 1:m.start() - len(window)] == "、":
            # a 、-list of what the head is about (开展酒驾、醉驾、毒驾集中夜查): its verb stands before the list
            listed = _introduced_list(body, m.start() - len(window), c["introducing_verbs"])
            if listed is not None:
                introduced, window = True, body[listed:m.start()]
        para = body.rfind("\n", 0, m.start()) + 1
        if _ENUMERATED.match(body[para:m.start()]):
            introduced = True  # 二是强化应急演练。: an enumerated heading names an undertaking
        if not introduced and m.start() >= title_end and cue.patrol_head.re.search(m.group(0)):
            clause_start = max(body.rfind(ch, 0, m.start()) for ch in ",。;:!?\n") + 1
            at = body.rfind("在", clause_start, m.start())
            if at >= 0 and not cue.held.re.search(body, at, m.start()):
                continue  # 在城区广场、夜市等重点部位巡逻防控: patrolling a place, no activity named
        if cuts:
            window = window[cuts[-1].end():]
        count_at = m.end() + 2 if body.startswith(("活动", "行动"), m.end()) else m.end()  # 宣传活动260余场
        counted = c["counted_after_head"].match(body[count_at:count_at + 8]) is not None
        # (the count itself, past any word that leads a total: 开展回访共计2860人次)
        if counted and (not introduced or body[_COUNT_RUN.search(body, count_at).end():][:1] == "、"):
            continue  # 宣传80余场, 召开座谈会12次、开设课堂26次: counted events, tallies of the activity around them
        if c["generic_heads"].match(m.group(0)) and not introduced:
            continue
        window = _LEADING_ORDINAL.sub("", window)
        if cue.manner.re.search(window):
            continue  # 地毯式宣传, 常态化巡逻: a manner, not a name
        name = window + m.group(0)
        if name.endswith("活动") and len(name) > 4:
            name = name[:-2]
        if cue.structure_count.re.match(window) or _HEDGED_COUNT.match(window):
            continue  # 一系列宣传, 三项整治, 多项专项行动, 系列普法宣传: counts of the article's own structure; 千余民警轮训: a count of people
        if len(window) < 2 and m.group(0) in ("行动", "活动", "安保", "回访", "夜查", "练兵", "攻势", "演练", "访评", "巡逻"):
            if not (introduced and c["bare_heads"].match(m.group(0)) and _BARE_HEAD_END.match(body[m.end():m.end() + 2])):
                continue
        if c["not_activity"].search(name) or (len(name) < 3 and not (introduced and c["bare_heads"].match(name))):
            continue
        s = m.start() - len(window)
        if _is_context(body, s, m.end(), rules):
            continue
        sent = sentences.around(s)
        typ = type_of(name, body[sent[0]:sent[1]], rules)
        start, end = dates_near(body, sent, s, published)
        out.append(Mention((s, s + len(name)), name, typ, start, end, sent, False, [s], (s, m.end()), introduced=introduced,
                           counted=counted, generic=_generic(name, rules.heads_end_re, c), bare_head=not window))
    return out


def _generic(name: str, head_ends: re.Pattern, c: dict) -> bool:
    """Only a generic word before the head (主题宣传, 集中宣传), or a generic head alone (宣传):
    no name of its own. A head that is a name (公开退赃, 送法下乡) is not generic."""
    k = last_head(name, head_ends)  # (where the longest head it ends with starts)
    if k is None:
        return False
    return bool(c["head_modifiers"].match(name[:k])) if k else bool(c["generic_heads"].match(name))


def _introduced_before(text: str, introducing: re.Pattern) -> bool:
    """An introducing verb somewhere in `text` (the rule's pattern is anchored at its end)."""
    return any(introducing.search(text, 0, k) for k in range(len(text), 1, -1))


def _introduced_list(body: str, end: int, introducing: re.Pattern) -> Optional[int]:
    """Where a 、-list of short words ending at `end` starts, when an introducing verb stands
    right before it (开展|酒驾、醉驾、); else None."""
    lo = max(0, end - 30)
    for k in range(end - 2, lo, -1):
        if _WORD_LIST.fullmatch(body, k, end) and introducing.search(body, lo, k):
            return k
    return None


_BRACKETED = searchable(r"(?:^|\n)[ \t]*【([^】\n]{2,10})】")


def _bracketed(body: str, rules: ActivityRules, published: Optional[str], sentences: Marks) -> list[Mention]:
    """A 【…】 heading that opens a paragraph and says a kind of work (【巡逻防控】, 【便民服务】,
    【宣传提示】) names the undertaking the paragraph reports; one that says none (【交通管理】,
    【打印本页】) names nothing."""
    out = []
    for m in finditer_from_literal(_BRACKETED, body):  # (none where the page has no 【)
        s, e = m.span(1)
        name = m.group(1).strip()
        typ = next((t for t, rx in rules.type_res if rx.search(name)), None)
        if typ is None or rules.compiled["not_activity"].search(name):
            continue
        sent = sentences.around(s)
        start, end = dates_near(body, sent, s, published)
        out.append(Mention((s, e), name, typ, start, end, sent, False, [s], (s - 1, e + 1), bracketed=True))
    return out


def _cases_solved(body: str, rules: ActivityRules, published: Optional[str], sentences: Marks) -> list[Mention]:
    """A single case solved, told as a story (成功破获一起盗窃电动车案件): an investigation of its own."""
    out = []
    for m in rules.compiled["case_solved"].finditer(body):
        s, e = m.span("name")
        sent = sentences.around(s)
        if body[sent[0]:s].lstrip(" ,").startswith("其中"):
            continue  # 其中,…成功侦破一起特大制售假药案: a part of the campaign's totals, not a case of its own
        start, end = dates_near(body, sent, s, published)
        out.append(Mention((s, e), m.group("name"), "investigation", start, end, sent, False, [s], (m.start(), e)))
    return out


def _events_secured(body: str, rules: ActivityRules, published: Optional[str], sentences: Marks) -> list[Mention]:
    """An event the police see through (护航“村超”总决赛): security duty, named by the event. Its
    dates are those of its sentence, else of the first later sentence that names the event."""
    out = []
    for m in finditer_from_literal(rules.compiled["event_secured"], body):  # (from each 护航)
        s, e = m.span("name")
        sent = sentences.around(s)
        start, end = dates_near(body, sent, s, published)
        if not start and not end:
            again = body.find(m.group("name"), sent[1])
            if again >= 0:
                start, end = dates_near(body, sentences.around(again), again, published)
        name = _DOUBLE_QUOTES.sub("", m.group("name"))
        out.append(Mention((s, e), name, "security", start, end, sent, False, [s], (m.start(), e)))
    return out


def _crackdowns(body: str, rules: ActivityRules, published: Optional[str], sentences: Marks) -> list[Mention]:
    """A crackdown named by what it strikes, with no head word (深化打击治理电信网络诈骗犯罪工作):
    enforcement, named by that phrase."""
    out = []
    for m in finditer_from_literal(rules.compiled["crackdown"], body):  # (none where the page never says 打击)
        g = next(k for k in ("name", "name2", "name3") if m.group(k))  # (see rules/activities.yaml)
        s, e = m.span(g)
        sent = sentences.around(s)
        start, end = dates_near(body, sent, s, published)
        out.append(Mention((s, e), m.group(g), "enforcement", start, end, sent, False, [s], (s, e)))
    return out


def _section_of(heading: Mention, found: list[Mention], body: str, title_end: int) -> bool:
    """A 【…】 heading of the kind of the campaign the headline names, over a paragraph that names
    no undertaking of its own, heads a section of that campaign's report (营口市公安局“夏季行动”战果
    通报 … 【交通整治】查处酒驾醉驾违法行为862起): no undertaking of its own. One of another kind is
    (…全力护航2023年高考 … 【宣传提示】)."""
    if not heading.bracketed:
        return False
    at = heading.name_span[0]
    end = body.find("\n", at)
    end = len(body) if end < 0 else end
    return (any(a.type == heading.type and not a.bracketed and a.name_span[0] < title_end for a in found)
            and not any(not a.bracketed and at < a.name_span[0] < end for a in found))


def find_activities(body: str, rules: ActivityRules, language: LanguageCues, published: Optional[str], title_end: int = 0) -> list[Mention]:
    """Every activity mention, merged by name, in order of first mention (not yet filtered)."""
    sentences, cue = marks(body, _SENTENCE_END), rules.cues
    quoted = _quoted(body, rules, published, sentences, title_end)
    quoted += [b for b in _bracketed(body, rules, published, sentences)
               if not any(a <= b.written[0] < z for a, z in (q.written for q in quoted))]
    taken = [q.written for q in quoted]
    found = quoted + _unquoted(body, rules, published, taken, sentences, title_end)
    taken += [a.written for a in found]
    # (an event secured right after another activity's name is that one's aim: “护苗”行动护航开学季)
    secured = [c for c in _events_secured(body, rules, published, sentences) if not any(b == c.written[0] for _, b in taken)]
    found += [c for c in (_cases_solved(body, rules, published, sentences) + secured + _crackdowns(body, rules, published, sentences))
              if not any(a <= c.written[0] < b for a, b in taken)]
    found.sort(key=lambda a: a.name_span[0])
    # an undertaking counted as it is named is one of its own only when it is of a kind not
    # reported before (开展满意度电话回访280余次 after a publicity day); else it is a tally of that one
    found = [a for i, a in enumerate(found) if not a.counted or all(b.type != a.type for b in found[:i])]
    found = [a for a in found if not _section_of(a, found, body, title_end)]
    for a in found:
        a.paragraph = body.rfind("\n", 0, a.name_span[0]) + 1
        lead = body[a.paragraph:a.name_span[0]]
        # (a 【…】 heading is kept only for figures of its own: 【清查整治】行动期间,… points back)
        a.heading = len(lead.strip()) <= 12 and "。" not in lead and "," not in lead and not a.bracketed
        a.in_title = a.name_span[0] < title_end
        # a sentence about work to come (下一步…, 二季度将组织开展…): planned, not reported
        a.planned = (language.plan_opening.re.match(body, a.sentence[0]) is not None
                     or language.future.re.search(body, a.sentence[0], a.written[0]) is not None)
        if cue.meeting_on.re.match(body, a.written[1]):
            a.start = a.end = None  # 12月18日,召开冬季治安清查行动推进会: the meeting's day, in the campaign's course
        elif cue.launch.re.match(body, a.written[1]) or (a.end is a.start and cue.launched_by.re.search(body, max(0, a.written[0] - 12), a.written[0])):
            # 3月8日,举行“护苗2023”专项行动启动仪式 / 12月28日,县公安局启动冬季治安集中整治: the day it
            # began, not its span (a span written with 启动 stays: 9月8日至10日,…全面启动…行动)
            a.end, a.launched = None, True
    merged = _fold_in_named(_merge(found, body, title_end, rules.heads_end_re))
    bare = rules.compiled["bare_heads"]
    if all((a.counted or (a.bare_head and bare.match(a.name))) and a.type == "security" for a in merged):
        # a headline's holiday period with no activity named, or only patrols counted as they are
        # named (春节期间…开展武装巡逻320余次: a tally of the holiday's duty), or a bare 巡逻 (国庆假期期间,
        # …在景区开展巡逻,调解…): the duty through the holiday
        merged = _holiday_duty(body, title_end, sentences, cue.holiday.re, cue.advisory.re) or merged
    for a in merged:
        if not a.start and not a.end:
            a.start = a.end = _day_it_is_named_for(body, a.name, published)
        if not a.start and not a.end:
            span = _period_it_is_named_for(body, a.name, cue.holiday.re)
            if span:
                a.start, a.end = dates_near(body, span, span[0], published)
        if not a.start and not a.end and a.quoted:
            # the headline's quoted name, quoted again in a dated sentence of the body as that
            # activity's theme (9月16日,…开展以“防范电信诈骗 守护钱袋子”为主题的宣传活动)
            quoted = "“" + a.name + "”"
            again = body.find(quoted, max(title_end, max(a.positions) + 1))
            if again >= 0 and body.startswith(("为主题", "主题"), again + len(quoted)):
                a.start, a.end = dates_near(body, sentences.around(again), again, published)
    for a in merged:
        if not a.start and not a.end:
            # 自6月28日行动开展以来: a later sentence that dates "the campaign" by its bare head word
            last = max(a.positions)
            # (every match ends with 以来: none after the mention, no match)
            back = _BACK_START.search(body, last) if body.find("以来", last) >= 0 else None
            if back and not any(last < q < back.start() for b in merged if b is not a for q in b.positions):
                a.start = dates_near(body, sentences.around(back.start()), back.start(), published)[0]
    headline_only = [a for a in merged if min(a.positions) < title_end and not a.start and not a.end]
    if len(headline_only) == 1 and len(merged) == 1 and title_end:
        # the headline's one activity, undated, told by a lead that opens with its day and names
        # no activity (3月11日,鹤峰县公安局禁毒大队民警走进县民族中学,为…上了一堂禁毒教育课): that day
        a = headline_only[0]
        first = _FIRST_LINE.search(body, title_end)  # the first line after the headline with words on it
        lead = sentences.around(first.start() if first else title_end)
        if _LEAD_DAY.match(body, lead[0]) and not any(lead[0] <= q < lead[1] for q in a.positions):
            a.start, a.end = dates_near(body, lead, lead[0], published)
    if len(merged) == 1 and not merged[0].start and not merged[0].end and title_end:
        # the one activity, undated where the headline or the lead names it, and the paragraph
        # after the lead opens with a span of days and names none (…开展“护苗”系列宣传活动。
        # ⏎5月22日至6月1日,全局共组织民警…): the work of those days is the activity's
        a = merged[0]
        first = _FIRST_LINE.search(body, title_end)
        lead_end = body.find("\n", first.start()) if first else -1
        second = _FIRST_LINE.search(body, lead_end) if lead_end >= 0 else None
        if second and min(a.positions) < lead_end:
            span = sentences.around(second.start())
            if _LEAD_SPAN.match(body, span[0]) and not any(span[0] <= q < span[1] for q in a.positions):
                a.start, a.end = dates_near(body, span, span[0], published)
    return merged




def _holiday_duty(body: str, title_end: int, sentences: Marks, holiday: re.Pattern, advisory: re.Pattern) -> list[Mention]:
    """A headline that names a holiday period and no activity (国庆假期 玉林交警守护群众平安出行)
    reports the police's duty through that holiday: security, named by the period (the cue `holiday`);
    a headline that gives advice for it (国庆假期出行提示: the cue `advisory`) reports none."""
    h = holiday.search(body, 0, title_end)
    if h is None or advisory.search(body, 0, title_end):
        return []
    return [Mention(h.span(), h.group(0), "security", None, None, sentences.around(h.start()), False, [h.start()], h.span(),
                    in_title=True)]


def _period_it_is_named_for(body: str, name: str, holiday: re.Pattern) -> Optional[tuple[int, int]]:
    """An undated activity named for a holiday period or travel season (春节假期安保, 春运) takes the
    days the article gives that period (春节假期(2月10日至17日), 国庆假期期间(10月1日至7日), “五一”假期(4月29日
    至5月3日), 中秋国庆双节期间(9月29日至10月6日), 1月26日至3月5日春运期间): the span of those dates."""
    h = holiday.search(name)
    if not h:
        return None
    period = re.escape(h.group(1) or h.group(2))
    span = r"(\d{1,2}月\d{1,2}日\s*(?:至|到|-|—|~)\s*(?:\d{1,2}月)?\d{1,2}日)"
    m = re.search(period + r"”?(?:节|[双两]节)?(?:假期|长假|小长假|黄金周)?(?:期间)?\s*[(:]?\s*" + span, body)
    if m is None:  # or written before it (1月26日至3月5日春运期间)
        m = re.search(span + r"(?:的)?“?" + period, body)
    return m.span(1) if m else None


def _day_it_is_named_for(body: str, name: str, published: Optional[str]):
    """An undated activity named for a day (全民国家安全教育日宣传, 110宣传日) takes the date the
    article gives that day (4月15日是第九个全民国家安全教育日)."""
    k = name.rfind("日")
    if k < 3:
        return None
    tail = re.escape(name[max(0, k - 4):k + 1])
    m = re.search(rf"(\d{{1,2}})月(\d{{1,2}})日(?:是|为)[^。;,]{{0,16}}?{tail}", body)
    return _Day(None, m.group(1), m.group(2), published) if m else None


def keep_reported(mentions: list[Mention], with_tallies: set[int], title_end: int) -> list[Mention]:
    """Activities the article reports: quoted, in the title, dated, or with tallies of their own;
    not one named only in what the police will do next (下一步,…将深入开展“清源断流”行动).

    A quoted one with neither tallies nor a date, named in the same sentence as another kept
    activity of the same type, is a part of it (“警营开放日”和“警民恳谈”活动), unless the quoted
    name is a kind of activity itself (强化护学岗和夜间巡逻 … 守好“护学岗”).
    """
    kept = [i for i, m in enumerate(mentions)
            if (m.quoted or i in with_tallies or m.name_span[0] < title_end or m.heading or settle(m).start or m.end)
            and not m.planned]
    out: list[Mention] = []
    for i in kept:
        m = settle(mentions[i])
        bare = i not in with_tallies and not m.start and not m.end
        if bare and not m.own_head and any(j != i and mentions[j].type == m.type and mentions[j].sentence == m.sentence for j in kept):
            continue
        if bare and not m.quoted and out and out[-1].type == m.type:
            continue  # a further part of the activity just reported (警务回访: 电话调查, 案件回访, 投诉回访)
        out.append(m)
    # an umbrella (警营开放周, 6月8日至12日) whose parts are reported day by day, with no tallies of its own
    owned = {id(mentions[i]) for i in with_tallies if i is not None}
    return [m for m in out if id(m) in owned or not _umbrella(m, out)]


def _umbrella(m: Mention, kept: list[Mention]) -> bool:
    if not (m.start and m.end) or m.start == m.end:
        return False
    inside = [o for o in kept if o is not m and o.start and m.start <= o.start <= (o.end or o.start) <= m.end]
    return len(inside) >= 2


_GENERIC_TAIL = searchable(r"(?:集中|主题)?(?:宣传|活动|行动)$")


def _own_words(name: str) -> str:
    """A name without the generic head every name of its kind shares (禁毒宣传 → 禁毒)."""
    return _GENERIC_TAIL.sub("", _norm(name))


_YEAR = searchable(r"(?:19|20)\d{2}年?度?")


def _common(a: str, b: str) -> int:
    """Length of the longest common substring."""
    best = 0
    for i in range(len(a)):
        for j in range(i + best + 1, len(a) + 1):
            if a[i:j] in b:
                best = j - i
            else:
                break
    return best


def _quoted_core(body: str, m: "Mention") -> str:
    """The words inside the quotes a quoted mention is written with (“三八”妇女维权宣传 → 三八)."""
    s = m.written[0]
    if body[s:s + 1] != "“":
        return ""
    e = body.find("”", s)
    return body[s + 1:e] if 0 < e <= m.written[1] else ""


def same_activity(a: "Mention", b: "Mention") -> bool:
    ka, kb = _norm(a.name), _norm(b.name)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    if ka in kb or kb in ka:
        # one name inside the other is one activity (“三访三评” / “三访三评”群众满意度测评), unless the
        # shorter, unquoted, is of another kind: a campaign inside the name of its publicity
        # (扫黑除恶专项斗争 / 扫黑除恶专项斗争集中宣传) is an activity of its own
        shorter = a if len(ka) < len(kb) else b
        return a.type == b.type or "other" in (a.type, b.type) or shorter.quoted
    if a.type != b.type:
        return False
    # (a year shared is no word shared: “昆仑2023” and “净网2023” are two operations)
    ka, kb = _YEAR.sub("", ka), _YEAR.sub("", kb)
    return _common(ka, kb) >= 4 or _common(_YEAR.sub("", a.context) + ka, _YEAR.sub("", b.context) + kb) >= 6


def _named_apart(a: Mention, b: Mention) -> bool:
    """An introduced name of its own, sharing no word with the other's (6月至9月开展的夏季治安打击
    整治行动 after “春雷”行动 in one paragraph): another operation, not that one again."""
    own = _own_words(a.name)
    return a.introduced and not a.generic and len(own) >= 4 and _common(own, _own_words(b.name)) == 0


_DOUBLE_QUOTES = searchable(r"[“”\"]")
_CONJUNCTION = searchable(r"\s*[和及与、暨]\s*")


def _coordinated(b: Mention, a: Mention, body: str) -> bool:
    """护学岗和夜间巡逻: two activities joined by a conjunction are two."""
    return _CONJUNCTION.fullmatch(body[b.written[1]:a.name_span[0]] or "x") is not None


def _merge(found: list[Mention], body: str = "", title_end: int = 0, head_ends: Optional[re.Pattern] = None) -> list[Mention]:
    """One activity per name: later mentions of the same (or a like) name add positions and dates.
    The name kept is the quoted one, else the first one written in the body with a date."""
    out: list[Mention] = []
    for a in found:
        same = next((b for b in out if same_activity(a, b)), None)
        if same is None and a.quoted and out and _SHORT_NAME.fullmatch(body[out[-1].written[1]:a.written[0]]):
            same = out[-1]  # 突出犯罪集中打击整治专项行动(以下简称“集打行动”): one activity, named by its short form
        if same is None and not a.quoted:
            # the head word of a quoted name, alone (“全省十佳群众满意交警”评选推介会 … 推介会设置…环节)
            same = next((b for b in out if b.quoted and len(a.name) >= 2 and body[b.written[0]:b.written[1]].endswith(a.name)), None)
        if same is None and a.quoted:
            # the same quoted words with other words after them, of one kind (headline: “三八”维权宣传,
            # body: “三八”妇女维权法律宣传): one activity
            core = _quoted_core(body, a)
            same = next((b for b in out if b.quoted and b.type == a.type and core and _quoted_core(body, b) == core), None)
        if same is None and a.quoted and not a.in_title:
            # the headline's unquoted wording (禁毒宣传) and the body's quoted name of that kind (“6·26”国际禁毒日宣传)
            # (named in the headline, even when a longer reading there renamed it: 反诈宣传 / 反诈宣传进校园)
            same = next((b for b in reversed(out) if min(b.positions) < title_end and not b.quoted and b.type == a.type
                         and _dates_agree(a, b)
                         and _common(_own_words(a.name), _own_words(b.name)) >= 2), None)
        if same is None and not a.quoted and not (a.start or a.end) and _DURING.match(body, a.sentence[0]):
            # 行动中,民警对…开展集中清查: the campaign's own work, told in a sentence that points back to it
            same = next((b for b in reversed(out) if b.type == a.type), None)
        if (same is None and not a.quoted and out and any(a.sentence[0] <= p < a.sentence[1] for p in out[-1].positions)
                and (len(a.name) <= 2 or (a.bare_head and not out[-1].bare_head and not _coordinated(out[-1], a, body)))):
            # …开展夏夜治安巡查宣防行动,每晚…开展巡逻 / …开展“平安校园”创建活动,组织民警…开展安全检查:
            # a head word alone is part of the operation just named in its sentence
            same = out[-1]
        if same is None and not a.quoted:
            # an unquoted phrase of the same type in the paragraph of a named activity re-mentions it,
            # and so does one no verb introduces (…进行了述职述廉 after “双述双评”活动), and one in the
            # body of an article whose headline names an activity of that type, when one of the two
            # is undated (开展警务回访 / 7月1日至8月20日…开展警情回访专项活动)
            same = next((b for b in reversed(out) if b.type == a.type and not _coordinated(b, a, body)
                         and (((b.paragraph == a.paragraph or (b.quoted and _named_in(body, b, a.paragraph)))
                               and not _named_apart(a, b)) or not a.introduced
                              or (a.generic and _named_in(body, b, a.paragraph))
                              or (b.in_title and not a.in_title and _dates_agree(a, b) and not _other_heads(a, b, head_ends)
                                  and _common(_norm(a.name), _norm(b.name)) >= 2))), None)
        if same and a.name == same.name and set(a.positions) <= set(same.positions):
            continue  # the same name found again by another head (…宣传活动: 宣传, 活动)
        if same:
            same.positions.extend(a.positions)
            same.own_head = same.own_head or a.own_head
            same.planned = same.planned and a.planned  # reported somewhere, not only planned
            if ((a.quoted and not same.quoted) or ((same.in_title or same.bracketed) and a.quoted == same.quoted and not a.generic)):
                # the body's own wording names it better than a headline or a 【…】 heading does (not 主题宣传, though)
                if not (same.in_title and not a.quoted and same.name not in a.name and head_ends is not None
                        and _head_word(same.name, head_ends) and _written_apart(body, same.name, title_end, a.name_span)):
                    # (but a headline's name of the work, which the body writes too beside other words for
                    # it, stays: 开展警情回访工作 / 把警情回访作为…抓手,…开展电话回访; an event the police
                    # see through is no such name: 护航2023年高考 / 2023年高考如期举行,…开展高考安保工作)
                    same.name, same.name_span = a.name, a.name_span
                same.quoted, same.in_title = a.quoted or same.quoted, False
                same.bracketed = False
                same.type = a.type
            elif same.quoted and not a.quoted and len(a.name) > len(same.name) and a.name.startswith(same.name):
                # the body writes the quoted name out with its head (“夏夜治安巡查” / 夏夜治安巡查宣防集中统一行动):
                # the head says what kind of work it is
                same.type = a.type
            if (not same.start and not same.end) or (same.launched and a.start and a.end and not a.launched):
                # (a span given later beats the day of a launch: 7月1日,召开…动员部署会,7月2日至20日,…开展…)
                same.start, same.end, same.launched = a.start, a.end, a.launched
            elif a.start and not same.end and settle(same).start == settle(a).start:
                same.end = a.end
            elif a.end and not same.start and settle(same).end == settle(a).end:
                same.start = a.start
            continue
        out.append(a)
    return out


def _named_in(body: str, b: Mention, paragraph: int) -> bool:
    """`b` is mentioned in the paragraph that starts at `paragraph` (any of its mentions, not only
    the first: a headline's quoted name quoted again in the body, 开展“回访听民意”警情回访活动,…开展电话回访)."""
    return any(body.rfind("\n", 0, q) + 1 == paragraph for q in b.positions)


def _written_apart(body: str, name: str, after: int, span: tuple[int, int]) -> bool:
    """`name` is written in the body (after `after`) somewhere outside `span` (a mention of its
    own, not a part of the other wording: 2023年高考 inside 2023年高考安保工作 is not)."""
    k = body.find(name, after)
    while k >= 0:
        if k + len(name) <= span[0] or k >= span[1]:
            return True
        k = body.find(name, k + 1)
    return False


def _other_heads(a: Mention, b: Mention, head_ends: Optional[re.Pattern]) -> bool:
    """Both names end in a head word, and the two heads share no word: two kinds of work
    (实战大练兵 / 警务实战技能大比武), however much of the rest of their names they share
    (集中返还 / 被盗电动车集中发还 share 集中: one kind)."""
    if head_ends is None:
        return False
    ha, hb = _head_word(a.name, head_ends), _head_word(b.name, head_ends)
    return bool(ha and hb) and _common(ha, hb) < 2


def _head_word(name: str, head_ends: re.Pattern) -> str:
    k = last_head(name, head_ends)
    return name[k:] if k is not None else ""


def last_head(name: str, head_ends: re.Pattern) -> Optional[int]:
    """Where the longest head `name` ends with starts (the first offset k where a head runs to the
    end): one search of the heads anchored at the end (rules.heads_end_re), not a fullmatch of the
    heads at each offset."""
    m = head_ends.search(name)
    return m.start() if m else None


def _fold_in_named(merged: list[Mention]) -> list[Mention]:
    """An unquoted activity whose whole name ends a quoted one's of its kind, on days that agree
    (headline: “护苗”行动… 开展校园安全大检查; body: 开展“护苗”校园安全大检查) is that one, met before its
    name took the kind of its body wording."""
    out: list[Mention] = []
    for a in merged:
        named = next((b for b in merged if b is not a and b.quoted and not a.quoted and b.type == a.type
                      and b.name != a.name and b.name.endswith(a.name) and _dates_agree(a, b)), None)
        if named is None:
            out.append(a)
            continue
        named.positions.extend(a.positions)
        named.planned = named.planned and a.planned
    return out


def _dates_agree(a: Mention, b: Mention) -> bool:
    """One of the two is undated, or both start the same day."""
    return not (a.start or a.end) or not (b.start or b.end) or settle(a).start == settle(b).start


def _norm(name: str) -> str:
    return _NORM_DROP.sub("", name)


class _Day:
    """A date expression not yet resolved: resolved only for activities kept."""

    __slots__ = ("args", "_value")

    def __init__(self, *args):
        self.args, self._value = args, False

    def get(self) -> Optional[str]:
        if self._value is False:
            self._value = resolve(*self.args)
        return self._value


def settle(m: "Mention") -> "Mention":
    m.start = m.start.get() if isinstance(m.start, _Day) else m.start
    m.end = m.end.get() if isinstance(m.end, _Day) else m.end
    return m


# (patterns the date and name helpers apply to every mention, compiled once)
_NORM_DROP = searchable(r"[“”\"'‘’《》\s]|活动$|行动$")
_DAY_PART = searchable(r"[上下]午|晚|凌晨|当天|,|起")
_AS_OF = searchable(r"(?:截至|截止到?|截止至)$")
_SAME_DAY = searchable(r"当天|当日|同日|同一天")


def dates_near(text: str, sentence: tuple[int, int], pos: int, published: Optional[str]):
    """The date expression of the activity's sentence, resolved against the publication date.

    A day or a range (11月6日至26日, 从10月8日起至明年3月底, 即日起至12月31日) gives start and end; a date
    followed by 起/以来/启动/至今, or by a duration (为期两个月), gives the start only, one followed by
    收官/结束 the end only.
    """
    s, e = sentence
    chunk = text[s:e]
    best = None
    for m in finditer_from_literal(_DATE, chunk):  # (from each 日 of the sentence, not each digit)
        if not m.group("m1") and not m.group("y1"):
            # a bare day (10日,) counts only as a clause-initial time: 10日,丹东市公安局…
            after_day = chunk[m.end("d1") + 1:m.end("d1") + 3] or ","
            if (m.start() and chunk[m.start() - 1] not in ",,。 ") or not _DAY_PART.match(after_day):
                continue
        if _is_dateline(chunk, m) or _AS_OF.search(chunk[max(0, m.start() - 3):m.start()]):
            continue  # 截至10月31日 is when the figures were counted, not a date of the activity
        if _REPORTING.match(chunk, m.end()):
            continue  # 9月11日,记者从省公安厅获悉: the day it was reported
        if best is None or abs(s + m.start() - pos) < abs(s + best.start() - pos):
            best = m
    if best is None:
        month = _MONTH_IS.search(chunk)
        if month and published:
            first = resolve(None, month.group("m"), "1", published)
            return first, resolve(None, month.group("m"), "last", published, after=first)
        today = _TODAY.search(chunk)
        if today and published and not _REPORTING.match(chunk, today.end()):
            # 今天是第33个“110宣传日”: the day the story was published (记者今天从…获悉 is when it was reported)
            return published, published
        yesterday = _YESTERDAY.search(chunk)
        if yesterday and published and not _REPORTING.match(chunk, yesterday.end()):
            # 昨天上午,…举办…比武竞赛: the day before publication (记者昨日从…获悉 is when it was reported)
            day = (date.fromisoformat(published) - timedelta(days=1)).isoformat()
            return day, day
        festival = _FESTIVAL.search(chunk)
        if festival and published:
            day = festival_day(festival.group(1), published)  # 除夕安保 in a story of 2011-02-03: 2011-02-02
            if day:
                return day, day
        if _SAME_DAY.search(chunk):
            prev = _previous_day(text, s, published)  # 当天下午 … : the day just named
            return prev, prev
        lead = _LEAD_DATE.search(text, max(0, s - 40), s)
        if lead and not _OWN_TIME.search(chunk) and not _DAY_IS.match(text, lead.start()):
            # 6月7日至9日,2023年高考如期举行。…全力开展高考安保工作: a short sentence opening the
            # paragraph with a date sets the scene for the next one, unless that one has a time of its
            # own (今年以来, 近日) or the date only names a day (6月26日是国际禁毒日。)
            return dates_near(text, (lead.start(), s), lead.start(), published)
        return None, None
    if published and _FROM_TODAY.search(chunk, max(0, best.start() - 8), best.start()):
        # (自)即日起至12月31日: from the day the notice is published to the day given
        return published, resolve(best.group("y1"), best.group("m1"), best.group("d1"), published, after=published)
    start = _Day(best.group("y1"), best.group("m1"), best.group("d1"), published)
    after = chunk[best.end():best.end() + 24]
    if best.group("next"):
        return start, start  # 10月10日晚8时至次日凌晨2时: a night's work, dated by its evening
    if best.group("d2") or best.group("eom"):
        y2 = best.group("y2") or best.group("y1")
        start = start.get()
        if best.group("rel") in ("明年", "次年") and start:
            y2 = str(int(start[:4]) + 1)
        end = resolve(y2, best.group("m2") or best.group("m1"), best.group("d2") or "last", published, after=start)
    elif _CLOSES.match(after):
        return None, start
    elif (_OPENS.match(after) or best.group(0).endswith("起")
          or (best.start() > 0 and chunk[best.start() - 1] in "自从" and _OPENS_LATER.match(after))
          or _LASTING.search(chunk, best.end())):
        end = None  # (11月1日,…部署开展为期两个月的…整治: the day it began, a span of its own after)
    else:
        end = start
    return start, end


def _previous_day(text: str, before: int, published: Optional[str]) -> Union[str, "_Day", None]:
    """The last full day named in the 400 characters before `before` (a paragraph or two back),
    or the publication day when the day named last is 今天."""
    last, lo = None, max(0, before - 400)
    for m in _DATE.finditer(text, lo, before):
        if m.group("m1") and not m.group("d2"):
            last = m
    today = [t.start() for t in _TODAY.finditer(text, lo, before)]
    if today and published and (last is None or today[-1] > last.start()):
        return published
    return _Day(last.group("y1"), last.group("m1"), last.group("d1"), published) if last else None


def _is_dateline(chunk: str, m: re.Match) -> bool:
    return chunk[m.end():m.end() + 1] in ("讯", "电")


@lru_cache(maxsize=8192)
def resolve(y: Optional[str], m: Optional[str], d: str, published: Optional[str], after: Optional[str] = None) -> Optional[str]:
    """An explicit calendar date (年/月/日 in digits, or 月底) completed from the publication date.

    `d` may be "last" for the end of the month (3月底). A date written without its year lies
    before the publication, as a report's dates do, unless it is the end of a range. These are
    the only date forms the rules capture, so no time-expression parser is needed: the
    calendar does it (JioNLP's parser gave the same dates at 0.15 ms a date and 0.5 s to load).
    """
    if (published is None and not y) or (y and not m):
        return None
    base = date.fromisoformat(published) if published else None
    year = int(y) if y else base.year
    month = int(m) if m else (base.month if base else 1)
    try:
        day = calendar.monthrange(year, month)[1] if d == "last" else int(d)
        iso = date(year, month, day).isoformat()
    except ValueError:  # 2月30日, 13月
        return None
    if base and not y and after is None:
        when = date.fromisoformat(iso)
        if when > base and (when - base).days > 31:
            iso = _in_year(when, when.year - 1)
    if after and iso < after:
        # the end of a range lies after its start (12月28日至1月3日)
        iso = _in_year(date.fromisoformat(iso), int(after[:4]) + 1)
    return iso


def _in_year(day: date, year: int) -> str:
    """The same day in another year (29 February becomes the 28th)."""
    try:
        return day.replace(year=year).isoformat()
    except ValueError:
        return day.replace(year=year, day=28).isoformat()
