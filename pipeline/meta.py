"""Metadata of one article: title, published, source, agency, region.

Kept apart from text cleaning (as trafilatura does): these functions read the cleaned view,
including the page furniture that cleaning blanked, since date lines and 来源 lines live
there. Returned names are spans of the stored text (traditional characters stay as written).
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Optional

from .clean import Cleaned, line_spans
from .patterns import finditer_from_literal, searchable
from .regions import MUNICIPALITIES, Place, gazetteer
from .rules import MetadataRules, derived

_DATELINE = searchable(r"(?:^|[\s)】\]|])[^\s,。]{0,24}?(\d{1,2})月(\d{1,2})日(?:[电讯])")
_BODY_MARK = searchable(r"[讯电][\s(（【]|本报讯|^\s*[一二三四五六七八九十]是")
_YMD = searchable(r"(?<!\d)((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)")
_DMY = searchable(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.((?:19|20)\d{2})(?!\d)")
_NOT_PUBLISHED = searchable(r"归档|抓取|采集|存档|archive", re.I)


@dataclass
class Lines:
    spans: list[tuple[int, int]]
    view: str
    body: str
    body_start: int  # index of the first body line

    def text(self, i: int) -> str:
        s, e = self.spans[i]
        return self.view[s:e]

    def removed(self, i: int) -> bool:
        s, e = self.spans[i]
        return not self.body[s:e].strip() and bool(self.view[s:e].strip())


def _lines(c: Cleaned) -> Lines:
    spans = line_spans(c.view.text)
    start = len(spans)
    for i, (s, e) in enumerate(spans):
        line = c.body[s:e].strip()
        if not line:
            continue
        if len(line) >= 60 or _BODY_MARK.search(line) or line.endswith("。"):
            start = i
            break
    return Lines(spans, c.view.text, c.body, start)


def _valid(y: int, m: int, d: int) -> Optional[str]:
    if 1990 <= y <= 2035 and 1 <= m <= 12 and 1 <= d <= 31:
        return f"{y:04d}-{m:02d}-{d:02d}"
    return None


_CN_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "Ｏ": 0, "O": 0}
_CN_DATE = searchable(r"([〇零○Ｏ一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")


def _cn_small(s: str) -> int:
    """一 … 三十一 as a number (十 = 10, 十二 = 12, 二十 = 20, 二十三 = 23)."""
    if "十" not in s:
        return _CN_DIGIT[s]
    tens, _, ones = s.partition("十")
    return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[ones] if ones else 0)


def _dates(line: str):
    for m in _CN_DATE.finditer(line):  # 二〇一九年五月八日, as official notices write it
        if not _NOT_PUBLISHED.search(line[max(0, m.start() - 8):m.start()]):
            yield _valid(int("".join(str(_CN_DIGIT[c]) for c in m.group(1))), _cn_small(m.group(2)), _cn_small(m.group(3)))
    for m in _YMD.finditer(line):
        if not _NOT_PUBLISHED.search(line[max(0, m.start() - 8):m.start()]):
            yield _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    for m in _DMY.finditer(line):
        if not _NOT_PUBLISHED.search(line[max(0, m.start() - 8):m.start()]):
            yield _valid(int(m.group(3)), int(m.group(2)), int(m.group(1)))


_DATE_LABEL = searchable(r"^\s*(?:发布时间|发布日期|更新时间|日期|时间|发表于|发表时间)\s*[::]?")


# a line that is a date and nothing else, or an editor's line that ends with one ((编辑:张三 2023年05月03日))
_DATE_ONLY = searchable(r"^\s*[\[(【]?\s*(?:(?:责任)?编辑\s*[::]\s*[\u4e00-\u9fa5]{1,4}\s+)?(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*(?:\d{1,2}:\d{2}(?::\d{2})?)?\s*[\])】]?\s*$")
_TODAY_BANNER = searchable(r"今天是|今日是|今天[::]|当前日期|当前时间|现在时间")


def published(c: Cleaned, hint: Optional[str] = None) -> Optional[str]:
    """The page's date line; else the dateline (X月X日讯) with the year the page shows; else None.

    Only the page header, labelled date lines and a line that is a date alone before the page
    footer count: dates in the body are what the article reports, and lists of related links
    carry other articles' dates.
    """
    if hint:
        v = next((d for d in _dates(hint) if d), None)
        if v:
            return v
    ls = _lines(c)
    for i in range(0, min(ls.body_start, len(ls.spans))):
        if _TODAY_BANNER.search(ls.text(i)):
            continue  # 欢迎访问…今天是2024年1月10日 星期三: the day the page was fetched, not published
        v = next((d for d in _dates(ls.text(i)) if d), None)
        if v:
            return v
    footer = min((s for s, _, why in c.removed if why == "page footer"), default=len(c.view.text))
    for i in range(ls.body_start, len(ls.spans)):
        if _DATE_LABEL.match(ls.text(i)) or (_DATE_ONLY.match(ls.text(i)) and ls.spans[i][0] < footer):
            # a labelled date line, or a line that is a date and nothing else (the date a page sets
            # under its article: 2023年06月20日), not one of the related links after the footer starts
            v = next((d for d in _dates(ls.text(i)) if d), None)
            if v:
                return v
    if ls.body_start < len(ls.spans):
        first = ls.text(ls.body_start)
        m = _DATELINE.search(first)
        years = _YEAR.findall(c.view.text)
        if m and years:
            return _valid(int(years[0]), int(m.group(1)), int(m.group(2)))
    return None


_TITLE_BAD = searchable(r"。|^[|#!□▲△▼●■◆]|^@\S{0,12}:|^\s*[\(（]|[讯电]\s*[\(（]|^\d(?!\d{3}年)|^[A-Za-z]|(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]|来源|(?<!答)记者(?![问节会])|通讯员|报道|提示[::]|www\.|^(?:其中|同时|另外|此外|并且|而且)")


# the site a saved page's headline carries after it (…开展夏季治安整治_某某县人民政府, … - 平安某某网, …通报-澧县人民政府)
# (after an underscore, whatever follows: 标题_常德警事, 标题_栏目_站点)
_SITE_SUFFIX = searchable(r"\s*(?:_[^。,]{2,40}|(?:\s[-|–—]\s|[-|–—])[^_|。,\-–—]{2,20}?(?:网|网站|政府|公安局|公安厅|门户|在线|频道|之窗|官网|平台))\s*$")


# …and before it (某某县人民政府_…开展夏季治安整治)
_SITE_PREFIX = searchable(r"^[^_|。,]{2,20}?(?:网|网站|政府|门户|在线|频道|之窗|官网|平台)\s*(?:_|\s[-|–—]\s)\s*")


def without_site(line: str) -> tuple[int, int]:
    """The span of a headline line without the site name a saved page writes before or after it
    (某某县人民政府_…, …_某某县人民政府, … - 平安某某网, …-澧县人民政府)."""
    lead = _SITE_PREFIX.match(line)
    start = lead.end() if lead and len(line) - lead.end() >= 5 else 0
    site = _SITE_SUFFIX.search(line, start)
    return start, (site.start() if site else len(line))


def title(c: Cleaned, page_head: Optional[str] = None) -> Optional[str]:
    """The headline: the line of the page header that the page's <title> gives (`page_head`,
    without its site name: a menu or a crumb may stand above it), else the first headline-like
    line of the page header, before the body.

    Crumbs, date lines, bylines, forum handles (@ME:) and photo captions (▲…) are furniture, and
    so is the site name a saved page writes after it (_某某县人民政府, - 平安某某网);
    a line opening with a conjunction (其中…) is a subtitle. A WeChat headline may open with
    @ (@益阳人 这场警营开放日 你来了吗?). "【原标题】" names the title when nothing else does.
    """
    ls = _lines(c)
    if page_head and 5 <= len(page_head) <= 60:
        for i in range(0, ls.body_start):
            s, e = ls.spans[i]
            if c.body[s:e].strip() and not ls.removed(i) and c.view.stored_span(s, e).strip() == page_head:
                return page_head
    for i in range(0, ls.body_start):
        s, e = ls.spans[i]
        line = c.body[s:e].strip()
        if not line or ls.removed(i) or not (5 <= len(line) <= 60) or _TITLE_BAD.search(line):
            continue
        off = c.body.index(line, s)
        start, end = without_site(line)
        return c.view.stored_span(off + start, off + end)
    for i, (s, e) in enumerate(ls.spans):
        m = _ORIGINAL_TITLE.match(c.view.text[s:e])
        if m:
            return c.view.stored_span(s + m.start(1), s + m.end(1)).strip()
    return None


_YEAR = searchable(r"((?:19|20)\d{2})\s*[-/.年]")
_ORIGINAL_TITLE = searchable(r"\s*(?:【原标题】|\(原标题[::])\s*(.+?)\)?\s*$")
_SOURCE_LABEL = searchable(r"(?:来源|稿源|本文来源)\s*(?:[::]|】)\s*([^\s|•·,,【\[\]】]+)")
_AFTER_SOURCE = searchable(r"作者|点击|阅读|浏览|时间|发布|编辑|记者")
_OUTLET_DATELINE = searchable(r"\s*(?:[\[【][^\]】]*[\]】])?\s*([\u4e00-\u9fa5]{2,12}?(?:网|报|社|在线|之窗|频道|台))(?:[\u4e00-\u9fa5]{0,4}?\d{1,2}月\d{1,2}日)?[电讯]")
_OWN_PAPER = searchable(r"\s*本报讯")
_PAPER_LINE = searchable(r"\s*([\u4e00-\u9fa5]{2,10}(?:报|刊))\s")
_PROVINCE_WIDE = searchable(r"全省|省公安厅|省厅")
_PROVINCE_BUREAU = searchable(r"省公安厅|省厅")


def source(c: Cleaned, rules: MetadataRules) -> Optional[str]:
    outlet = searchable(rules.source_outlet)
    reject = searchable(rules.source_reject)
    text = c.view.text
    for m in _SOURCE_LABEL.finditer(text):
        name = m.group(1).strip()
        name = _AFTER_SOURCE.split(name)[0]
        if 2 <= len(name) <= 20 and outlet.search(name) and not reject.search(name):
            return c.view.stored_span(m.start(1), m.start(1) + len(name))
    ls = _lines(c)
    if ls.body_start < len(ls.spans):
        s, e = ls.spans[ls.body_start]
        line = text[s:e]
        m = _OUTLET_DATELINE.match(line)
        if m and not m.group(1).startswith("本"):
            return c.view.stored_span(s + m.start(1), s + m.end(1))
        if _OWN_PAPER.match(line):
            for i in range(0, ls.body_start):
                pm = _PAPER_LINE.match(text[ls.spans[i][0]:ls.spans[i][1]])
                if pm:
                    s0 = ls.spans[i][0]
                    return c.view.stored_span(s0 + pm.start(1), s0 + pm.end(1))
    return None


# ------------------------------------------------------------------ region and agency

@dataclass
class RegionGuess:
    region: Optional[dict]
    agency: Optional[str]


def _lineage_ok(p: Place, q: Place) -> bool:
    """q lies within p (or is p)."""
    if p.level == "province":
        return q.province == p.province
    if p.level == "city":
        return q.province == p.province and q.city == p.city
    return q.adcode == p.adcode


def region_and_agency(c: Cleaned, rules: MetadataRules, starts: list[int], tokens: list[str]) -> RegionGuess:
    """The agency's region and full name, from the places named in the segmented body
    (jieba's `tokens` and their offsets, `starts`)."""
    gz = derived(rules, ("gazetteer",), lambda: gazetteer(frozenset(rules.not_place_names), rules.updates))
    police = searchable(rules.police_after)
    text = c.body
    lead_end = _lead_end(text)
    scores: defaultdict[Place, float] = defaultdict(float)
    police_bound: defaultdict[Place, float] = defaultdict(float)
    occurrences = _not_stations(text, gz.find_in_tokens(starts, tokens)) + _branches(text, gz)
    early_bound: set[Place] = set()
    wholes = [not _in_a_part(text, s) for s, _, _, _ in occurrences]
    names_seen = {o[2] for o, whole in zip(occurrences, wholes) if whole}  # (a part's place settles no short name)
    named_whole: set[Place] = set()  # named outside a 其中 sentence at least once
    for (s, e, name, cands), whole in zip(occurrences, wholes):
        # a bureau the story's police body works with (…禁毒支队联合耿马县公安局) is a partner, not the agency
        bound = bool(police.match(text, e)) and not rules.cues.partner.re.search(text, max(0, s - 3), s)
        early = s < lead_end
        weight = (3.0 if bound else 1.0) * (2.0 if early else 1.0)
        picks = cands if len(cands) == 1 else _disambiguate(cands, names_seen - {name}, gz, c.view.text, name)
        for p in picks:
            scores[p] += weight / len(picks)
            if whole:
                named_whole.add(p)
            if bound:
                police_bound[p] += weight / len(picks)
                if early:
                    early_bound.add(p)
    national = _national_score(text, lead_end)
    if national and national >= max(police_bound.values(), default=0):
        return RegionGuess({"level": "national", "province": None, "city": None, "county": None, "adcode": None}, "公安部")
    if not scores:
        # no place in the body (城关派出所开展…): the police body the source line names, if any
        # (来源:安化县公安局), is the station's bureau
        fallback = _source_bureau(c, gz)
        if fallback is None:
            return RegionGuess(None, _agency_generic(text))
        scores[fallback] = police_bound[fallback] = 1.0
    parts_only = set(scores) - named_whole
    pool = police_bound or scores
    best = max(pool, key=lambda p: (pool[p], scores[p], -_rank(p)))
    # the most specific police-bound place inside the best one (邵阳隆回县公安局 → 隆回县)
    inner = [p for p in police_bound if p != best and _lineage_ok(best, p) and _rank(p) > _rank(best)
             and police_bound[p] >= 0.5 * police_bound.get(best, 0) and p in early_bound and p not in parts_only]
    if inner:
        best = max(inner, key=lambda p: (police_bound[p], _rank(p)))
    # a province-wide story: 全省 with the province named, or 省公安厅, and no local police body
    # (a county's 位居全省前列 names no province: the story stays the county's)
    if best.level != "province" and not police_bound and _PROVINCE_WIDE.search(text, 0, lead_end):
        prov = gz.province(best.province)
        if prov and (prov in scores or _PROVINCE_BUREAU.search(text, 0, lead_end)):
            best = prov
    best = _level_by_wording(best, text, gz, rules)
    region = best.region()
    return RegionGuess(region, _agency(c, rules, best, region))


_STATION_OF = searchable(r"(?:公安局|分局)$")
_SOURCE_BUREAU = searchable(r"来源\s*[::]\s*([\u4e00-\u9fa5]{2,10}?)(?:(公安局|公安分局)|人民政府|政府|融媒体中心|日报|晚报|新闻网)")
# the body's bureau named by its level word alone (县公安局, 我县): the government site's own place
_OWN_BUREAU = searchable(r"(?<![\u4e00-\u9fa5])([县市区旗])公安(?:局|分局)|我([县市区旗])")


def _source_bureau(c: Cleaned, gz) -> Optional[Place]:
    """The place of the bureau a page's source line names (来源:安化县公安局), when it is one place;
    or of the government or the local paper that publishes the page (来源:平江县人民政府, 来源:株洲日报)
    when the body names its bureau by the level word alone (县公安局…, 我县…, 市公安局) and that word
    is the place's."""
    m = _SOURCE_BUREAU.search(c.view.text)
    places = gz.by_name.get(m.group(1), []) if m else []
    if len(places) != 1:
        return None
    if m.group(2) is None:
        own = _OWN_BUREAU.search(c.body)
        if own is None or not places[0].name.endswith(own.group(1) or own.group(2)):
            return None
    return places[0]


def _not_stations(text: str, occurrences: list) -> list:
    """Leave out a name the text gives to a police station of a bureau it names first (崇州市公安局
    怀远派出所): a station is named after its town, so that name (怀远, also a county in Anhui) says
    nothing of the region, wherever else it stands (怀远派出所召开…)."""
    stations = {name for s, e, name, _ in occurrences
                if text.startswith("派出所", e) and _STATION_OF.search(text, max(0, s - 3), s)}
    return [o for o in occurrences if o[2] not in stations] if stations else occurrences


_BRANCH = searchable(r"([\u4e00-\u9fa5]{2,6}?市)公安局([\u4e00-\u9fa5]{1,5}?)分局")


def _branches(text: str, gz) -> list[tuple[int, int, str, list[Place]]]:
    """X市公安局Y分局 names a district of X even when Y alone is too common a word to be taken
    for a place (枣庄市公安局市中分局 → 市中区 of 枣庄市)."""
    out = []
    at = text.find("市公安局")  # every match holds it, at most six characters after the match starts
    if at < 0:
        return out
    for m in _BRANCH.finditer(text, max(0, at - 6)):
        city, stem = m.group(1), m.group(2)
        for name in (stem, stem + "区", stem + "县"):
            places = [p for p in gz.by_name.get(name, []) if p.level == "county" and p.city == city]
            if places:
                out.append((m.start(2), m.end(2), name, places))
                break
    return out


_SENTENCE_START = searchable(r"[。;!?\n][^。;!?\n]*$")


def _in_a_part(text: str, pos: int) -> bool:
    """In a sentence that opens with 其中: a part of the whole the story reports (其中,成都市公安局侦办…),
    or in a later part of it after a ';' (其中,沙市区分局…;荆州区分局…)."""
    while True:
        m = _SENTENCE_START.search(text, max(0, pos - 60), pos)
        start = m.start() + 1 if m else max(0, pos - 60)
        if text[start:pos].lstrip(" ,:").startswith("其中"):
            return True
        if not m or text[m.start()] != ";":
            return False
        pos = m.start()  # the part before the ';' may be the one that opens with 其中




def _level_by_wording(best: Place, text: str, gz, rules: MetadataRules) -> Place:
    """A county named in a story the city bureau tells (记者从市公安局获悉…全市) is not its seat
    (the cues city_wording and county_wording).

    Only for 县/区/旗: in a county-level city (瑞安市) 全市 means the county itself.
    """
    if best.level != "county" or best.name.endswith("市"):
        return best
    city_votes, county_votes = len(rules.cues.city_wording.re.findall(text)), len(rules.cues.county_wording.re.findall(text))
    if city_votes >= 2 and county_votes == 0:
        parent = gz.by_code.get(best.adcode[:4] + "00")
        if parent is not None and parent.level == "city":
            return parent
    return best


def _lead_end(text: str) -> int:
    """End of the title and first two body paragraphs: where the agency is usually named."""
    seen = 0
    for s, e in line_spans(text):
        if len(text[s:e].strip()) >= 30:
            seen += 1
            if seen == 2:
                return e
    return len(text)


def _rank(p: Place) -> int:
    return {"province": 0, "city": 1, "county": 2}[p.level]


def _disambiguate(cands: list[Place], names_seen: set[str], gz, page: str = "", name: str = "") -> list[Place]:
    """The candidates whose province or city the article names elsewhere (`names_seen` leaves
    out the name itself: 朝阳 does not vouch for 朝阳市's 朝阳县 when 北京市 is named); else those
    whose city the page names anywhere, its source line too (鼓楼 with 来源:福州晚报; again not by
    the name itself: 朝阳警方 with 来源:北京晚报 is Beijing's 朝阳区, not 朝阳市's 朝阳县)."""
    if len(cands) == 1:
        return cands
    supported = [p for p in cands if (p.city and any(n in names_seen for n in _short(p.city))) or any(n in names_seen for n in _short(p.province))]
    supported = [p for p in supported if p.level != "province"] or supported
    # a short name shared by a city and its own district (荆州: 荆州市, 荆州区) is the city's; the
    # district is written in full
    supported = [p for p in supported if not (p.level == "county" and any(q.level == "city" and q.name == p.city for q in supported))]
    if not supported and page:
        supported = [p for p in cands if p.city and p.level != "province" and any(n in page for n in _short(p.city) - {name})]
    return supported or cands


def _short(name: str) -> set[str]:
    out = {name}
    for suf in ("省", "市", "自治区", "自治州", "地区"):
        if name.endswith(suf) and len(name) - len(suf) >= 2:
            out.add(name[: -len(suf)])
    return out


_NATIONWIDE = searchable(r"全国(?:公安|各地)|各地公安")


def _national_score(text: str, lead_end: int) -> float:
    lead = text[:lead_end]
    if "公安部" not in lead and not _NATIONWIDE.search(lead):
        return 0.0
    return 2.0 * lead.count("公安部") + 3.0 * len(_NATIONWIDE.findall(lead)) + lead.count("全国")


def _agency_generic(text: str) -> Optional[str]:
    return "公安部" if "公安部" in text else None


def _agency(c: Cleaned, rules: MetadataRules, place: Place, region: dict) -> str:
    """The agency's full name, simplified (the matching view's characters, not the page's)."""
    full = searchable(rules.agency_full)
    wants = _constructed(place, region)
    if region["level"] == "city" or (region["level"] == "province" and region["province"] in MUNICIPALITIES):
        first = c.body.find(wants[0])
        zone = _ZONE_BRANCH.match(c.body, first + len(wants[0])) if first >= 0 else None
        if zone:  # 西安市公安局高新分局, 重庆市公安局两江新区分局: a zone's (or a service's) branch, no county of its own
            return c.body[first:zone.end()]
    # the body first, then the page's lines cleaning left out of it (来源:西宁市公安局湟中分局 names the
    # branch as it is called, where the headline's 湟中区公安分局 would make it …湟中区分局)
    for text, s, e in [(c.body, 0, len(c.body))] + [(c.view.text, s, e) for s, e, _ in c.removed]:
        for m in finditer_from_literal(full, text, s, e):  # (from each 公安 of the text, not every offset)
            name = m.group(0)
            for want in wants:
                if name == want or (len(name) > len(want) and name.endswith(want)):
                    return want  # in simplified characters, as SCHEMA names agencies (邢臺市公安局 → 邢台市公安局)
    if region["level"] == "county" and region.get("city"):
        # the district's branch as the text writes it (合肥市公安局经济技术开发区分局 for 合肥经济技术开发区)
        # (found from each 合肥市公安局 on: a pattern built for each city would be compiled again and again)
        bureau = region["city"] + "公安局"
        at = c.body.find(bureau)
        while at >= 0:
            m = _BRANCH_NAME.match(c.body, at + len(bureau))
            if m and m.group(1) in region["county"]:
                return c.body[at:m.end()]
            at = c.body.find(bureau, m.end() if m else at + 1)
    if len(wants) > 1 and (region["county"] + "分局" in c.body or region["county"] + "公安分局" in c.body):
        return wants[1]  # 万州区公安分局: the text keeps 区, so the full name does (重庆市公安局万州区分局)
    return wants[0]


_BRANCH_NAME = searchable(r"([\u4e00-\u9fa5]{2,10}?)分局")


_ZONE_BRANCH = searchable(r"[\u4e00-\u9fa5]{1,10}?分局")


def _constructed(place: Place, region: dict) -> list[str]:
    """The agency's full name as bureaus write it; a city district's 分局 has two forms
    (杭州市公安局富阳分局, 杭州市公安局富阳区分局; 上海市公安局浦东分局 for 浦东新区), the first of
    which is used when the text has none of them, and some districts' bureaus are named as a
    county's are, after their city (重庆市黔江区公安局): taken when the text names it so."""
    if region["level"] == "province":
        return [region["province"] + ("公安局" if region["province"] in MUNICIPALITIES else "公安厅")]
    if region["level"] == "city":
        return [region["city"] + "公安局"]
    county = region["county"]
    city = region.get("city")
    if county.endswith("区") and city:
        stem = county[:-2] if county.endswith("新区") and len(county) > 3 else county[:-1]
        return [f"{city}公安局{stem}分局", f"{city}公安局{county}分局", f"{city}{county}公安局"]
    return [county + "公安局"]
