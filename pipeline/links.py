"""Links: which reported activity each tally belongs to.

Pure functions of the cleaned body, the tallies' offsets and the activity mentions (with every
position each is named at). The default is the activity named last before the tally; the
exceptions are wordings of the language: a phrase whose head comes after the figures, a
sentence that points back (大会上, 活动现场, …在会场; a bare 期间 to the campaign that spans a
period), a paragraph that returns to the headline's campaign, and events named together in one
sentence (…返还暨…宣传活动), which take the figures whose own clause names their kind; a paragraph
that opens with a year or 今年以来 after a one-day event tells no figures of the event. A sentence
that points back carries its activity to the next ones of its paragraph that name none.
"""
from __future__ import annotations

import re
from typing import Optional, Sequence

from .activities import Mention, settle
from .patterns import searchable
from .spans import Marks, marks


def owners_of(body: str, positions: list[int], mentions: list[Mention], sentences: Marks) -> list[Optional[int]]:
    """The index in `mentions` of each tally's activity (None when there is none). A sentence that
    points back (期间,共设置卡点31个…) carries its activity on to the sentences after it in its
    paragraph that name none (查处酒醉驾12起,超员7起…), until an activity is named again."""
    out: list[Optional[int]] = []
    carried: Optional[tuple[int, Optional[int]]] = None  # (where the pointing-back sentence starts, its activity)
    for p in positions:
        sentence = sentences.around(p)
        o, plain = _owner(p, mentions, sentence, body)
        if (carried is not None and o == plain and carried[0] < sentence[0]
                and "\n" not in body[carried[0]:sentence[0]] and not _named_in(mentions, carried[0], p)):
            o = carried[1]
        elif o != plain:
            carried = (sentence[0], o)
        out.append(o)
    return out


def _named_in(mentions: list[Mention], start: int, end: int) -> bool:
    return any(start <= q < end for m in mentions for q in m.positions)


def owner(pos: int, mentions: list[Mention], sentence: Optional[tuple[int, int]] = None, body: str = "") -> Optional[int]:
    """The activity a tally at `pos` belongs to: the one mentioned last before it; but when its
    sentence names activities only after it, the last of those (两千余名群众参加…“蜀剑”行动被盗财物
    集中返还大会: the head of the phrase comes last); and when its sentence opens by pointing back
    (大会上, 活动现场, 行动中), the last activity whose wording has that word; else the first activity."""
    return _owner(pos, mentions, sentence, body)[0]


def _owner(pos: int, mentions: list[Mention], sentence: Optional[tuple[int, int]], body: str) -> tuple[Optional[int], Optional[int]]:
    """owner(), and the plain default beside it: the activity mentioned last before `pos` (else the first)."""
    best, best_pos = None, -1
    after, after_pos = None, -1
    for i, m in enumerate(mentions):
        for p in m.positions:
            if best_pos < p <= pos:
                best, best_pos = i, p
            if sentence and pos < p < sentence[1] and p > after_pos:
                after, after_pos = i, p
    if best is not None and sentence and best_pos < sentence[0] and body:
        # a sentence that opens by pointing back (活动期间,…) points there even when it names
        # another activity after its figures (…并在学校周边设置“护学岗”53个)
        back = _referred(body, sentence[0], mentions)
        if back is None:
            back = _the_period(body, sentence[0], mentions)
        if back is not None:
            return back, best
    plain = 0 if best is None and mentions else best
    if after is not None and (best is None or best_pos < sentence[0]):
        return after, plain
    return plain, plain


def back_to_headline(body: str, positions: list[int], owners: list[Optional[int]], mentions: list[Mention],
                      title_end: int) -> list[Optional[int]]:
    """A paragraph that names no activity, after one that told a part of the headline's campaign
    with figures of its own (行动中,该局组织开展夜间巡逻防控,累计投入警力… / 在道路交通管理方面,
    交警大队共查处…), reports on the campaign again: its tallies go back to the headline's activity.
    An activity named as a heading, with its figures in the paragraphs below, keeps them."""
    headline = next((i for i, m in enumerate(mentions) if m.positions and min(m.positions) < title_end), None)
    if headline is None and mentions and positions and mentions[0].positions:
        # no activity in the headline: the campaign the lead names before any figure plays its part
        # (今年9月以来,…开展打击“两抢一盗”专项行动…共破获… / 一是强化巡逻防控… / 二是加强源头管控…)
        first = min(mentions[0].positions)
        if first < positions[0] and body.find("\n", first) > positions[0]:
            headline = 0
    if headline is None:
        return owners

    def para(pos: int) -> int:
        return body.rfind("\n", 0, pos) + 1

    # activities with figures in a paragraph that names them, and 【…】 headings, which name only their own paragraph
    told = {o for p, o in zip(positions, owners) if o is not None and any(para(q) == para(p) for q in mentions[o].positions)}
    told |= {i for i, m in enumerate(mentions) if m.bracketed}
    out = []
    for p, o in zip(positions, owners):
        m = mentions[o] if o is not None else None
        if (m is not None and o != headline and not m.quoted and min(m.positions) > min(mentions[headline].positions)
                and all(para(q) != para(p) for q in m.positions) and o in told):
            o = headline
        out.append(o)
    return out


def beyond_the_day(body: str, positions: list[int], owners: list[Optional[int]], mentions: list[Mention], sentences: Marks,
                   longer_period: re.Pattern, type_res: Sequence) -> list[Optional[int]]:
    """A paragraph that opens with a stretch of time longer than a day (今年以来, 据悉,2024年…) and
    names no activity before its figures tells the bureau's work over that stretch: after a one-day
    event (6月26日…禁毒宣传活动 / 今年以来,…共破获毒品案件23起) its figures are no part of the event,
    unless their clause names the event's kind (今年以来,该局已累计举办警营开放日活动8场), or names no
    kind and follows such a figure in its sentence (…8场,接待群众1500余人次)."""
    clauses = marks(body, _CLAUSE_END)
    out: list[Optional[int]] = []
    last: Optional[tuple[int, bool]] = None  # (sentence start, kept) of the figure before
    for p, o in zip(positions, owners):
        if o is not None:
            para = body.rfind("\n", 0, p) + 1
            day = settle(mentions[o])
            if (day.start is not None and day.start == day.end and longer_period.match(body, para)
                    and not _named_in(mentions, para, p)):
                cs, ce = clauses.around(p)
                sentence = sentences.around(p)[0]
                kinds = {t for t, rx in type_res if rx.search(body, cs, ce)}
                # (a case solved is one case: the year's cases solved are none of its parts)
                keep = day.type != "investigation" and (day.type in kinds or (not kinds and last == (sentence, True)))
                last = (sentence, keep)
                o = o if keep else None
        out.append(o)
    return out


_CLAUSE_END = "。!?;\n,"


def by_kind(body: str, positions: list[int], owners: list[Optional[int]], mentions: list[Mention], sentences: Marks,
            type_res: tuple) -> list[Optional[int]]:
    """Activities named together in one sentence (举行涉案财物集中返还暨防范电信诈骗宣传活动) share
    the figures told after them; a tally whose own clause names the kind of one of them, and of
    no other (向45名受害群众返还…: a return; 发放宣传资料…: publicity), belongs to that one.
    `type_res` are the activity rules' (type, pattern) cues."""
    clauses = marks(body, _CLAUSE_END)
    named_in = [{sentences.around(p) for p in m.positions} for m in mentions]
    out = []
    last: Optional[tuple[tuple[int, int], int, int]] = None  # (sentence, owner before, owner by kind) of the last tally
    for p, o in zip(positions, owners):
        if o is not None:
            together = {i for i, spans in enumerate(named_in) if spans & named_in[o]}
            if len(together) >= 2:
                cs, ce = clauses.around(p)
                kinds = {t for t, rx in type_res if rx.search(body, cs, ce)}
                fits = [i for i in together if mentions[i].type in kinds]
                sentence = sentences.around(p)
                if len(fits) == 1:
                    last = (sentence, o, fits[0])
                    o = fits[0]
                elif not kinds and last is not None and last[0] == sentence and last[1] == o:
                    # no kind in its own clause: it goes with the tally before it in its sentence
                    # (…发放宣传资料2600余份,接受群众咨询180余人次: both the publicity's)
                    o = last[2]
        out.append(o)
    return out


_PERIOD_BACK = searchable(r"\s*(?:在此|此)?期间[,:]")


def _the_period(body: str, start: int, mentions: list[Mention]) -> Optional[int]:
    """The activity a sentence opening with a bare 期间 (期间,共设置卡点31个) points back to: the
    last one mentioned before it that spans a period (9月8日至10日…集中统一行动)."""
    if not _PERIOD_BACK.match(body, start):
        return None
    best, best_pos = None, -1
    for i, a in enumerate(mentions):
        settle(a)
        if a.start and a.end and a.start != a.end:
            for p in a.positions:
                if best_pos < p < start:
                    best, best_pos = i, p
    return best


# (not a centre: 宣传中心, 培训中心, 活动中心 open a sentence about a place)
_POINTS_BACK = searchable(r"\s*(大会|会议|仪式|活动|行动|整治|安保|演练|检查|宣传|培训|会)(?:上|中(?!心)|期间|现场)")
# …县公安局还在会场布置了宣传展板: done at the venue of the meeting named before
_AT_VENUE = searchable(r"[^。;!?\n]{0,40}?在(会)场")


def _referred(body: str, start: int, mentions: list[Mention]) -> Optional[int]:
    """The activity a sentence opening with 大会上/活动现场/行动中 (or telling what was done 在会场)
    points back to: the last one mentioned before it whose wording (its name and the words right
    after) has that word."""
    m = _POINTS_BACK.match(body, start) or _AT_VENUE.match(body, start)
    if not m:
        return None
    word = m.group(1)
    best, best_pos = None, -1
    for i, a in enumerate(mentions):
        for p in a.positions:
            if best_pos < p < start and word in body[p:min(p + len(a.name) + 4, start)]:
                best, best_pos = i, p
    return best


