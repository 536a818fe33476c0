"""Tallies: number + classifier, categorized by the governing verb and the counted noun.

A pure function of the cleaned body and the tally rules. Every candidate number comes back
as a `Finding`: either a tally (with its rule id) or the reason it is not one, which is
what `pressmetrics explain` prints.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from .numbers import Quantity, find_quantities
from .patterns import longest_word, searchable
from .spans import Marks, marks
from .rules import LanguageCues, TallyRule, TallyRules, derived

SENTENCE_END = "。!?;\n"
ITEM_END = SENTENCE_END + ",、:()《》【】[]"
# a short alternative or a common name in brackets right before a count (服务站(点), 片剂(俗称“麻古”))
_ASIDE = searchable(r"\((?:[\u4e00-\u9fa5、]{1,4}|(?:俗称|简称|又称|即)“?[^”()\d]{1,6}”?)\)$")
_NEXT_ITEM = searchable(r"\d|[一二两三四五六七八九十百千万]{1,4}[余多]?[个名人起件次]|[,:;()]")
# (将近 before a number is a hedge, 将近200人; 将近期… is 将 and 近期)
_TO_OBJECT = searchable(r"(?:(?<!针)对|把|将(?!近[\d一二两三四五六七八九十百千万]))[^,。;、:对把将]{0,16}?[近约]?$")
# …, and a later item of a 、-list that object is (对31家收购站、18家修理厂进行清理整顿)
_TO_OBJECT_LIST = searchable(r"(?:(?<!针)对|把|将(?!近[\d一二两三四五六七八九十百千万]))[^,。;:对把将]{0,40}?、$")
# …, and the first count of an object whose words before it hold a 、-list (将…盗窃、诈骗等案件中追缴的现金23.6万元)
_TO_OBJECT_LISTED = searchable(r"(?:(?<!针)对|把|将(?!近[\d一二两三四五六七八九十百千万]))[^,。;:对把将\d]{0,40}?[近约]?$")
# 县(市、区), 县(市): the kinds of county-level body a count covers, written inside the noun
_ADMIN_KINDS = searchable(r"\([县市区旗、]+\)")
_HAN = searchable(r"[\u4e00-\u9fa5]")
_DIGIT = searchable(r"\d")
_PARTICLES = searchable(r"[的共都均已]*")
_NOTHING_AFTER = searchable(r"[,。;、()\n]|$")
_BOOK_TITLE = searchable(r"《[^《》\n]{1,40}》")
_BULLETS = searchable(r"[\s■□●○◆◇▲△★☆•·\-*>]*")


@dataclass(slots=True)
class Finding:
    q: Quantity
    para: int = 0  # the paragraph (second: find_tallies makes one for every number, positionally)
    category: Optional[str] = None
    rule: Optional[str] = None
    reason: Optional[str] = None  # why no tally
    breakdown: bool = False
    evidence: tuple[int, int] = (0, 0)  # view span
    verb: str = ""
    noun: str = ""

    @property
    def is_tally(self) -> bool:
        return self.category is not None


@lru_cache(maxsize=8)
def _counted_in(units: tuple[str, ...]) -> re.Pattern:
    """A count and its classifier (group 1)."""
    alt = "|".join(sorted(map(re.escape, units), key=len, reverse=True))
    return searchable(r"(?:\d[\d.]*|[一二两三四五六七八九十百千万亿]+)[余多]?[万亿]?(" + alt + ")")


@lru_cache(maxsize=8)
def _unit_at_end(units: tuple[str, ...]) -> re.Pattern:
    return searchable("(?:" + "|".join(sorted(map(re.escape, units), key=len, reverse=True)) + ")$")


_ANY_DIGIT = searchable(r"\d|[一二两三四五六七八九十]")


_PART_OPENING = searchable(r"其中|包括")
_CLAUSE_STOP = searchable(r"[,;]")
_AFTER_COMMA = searchable(r"(?<=,)")
_NEWLINE = searchable(r"\n")


def breakdown_scopes(text: str, units: tuple[str, ...] = (), sentences: Optional[Marks] = None,
                     openings: tuple[re.Pattern, ...] = (), police_unit: Optional[re.Pattern] = None,
                     verbs: Optional[re.Pattern] = None) -> list[tuple[int, int]]:
    """Spans that split a larger total.

    - 其中/包括 followed by a 、-list: to the end of that list (…无证驾驶3718起,行政拘留412人
      leaves the detentions out);
    - 其中 followed at once by a counted part: that clause, and the next ones while they count
      in the same unit (其中酒后驾驶4起,无证驾驶7起 … / 其中醉驾62起,刑事拘留62人 stops; a clause
      that opens with the verb of the total before 其中 (`verbs`), after parts that open with
      none, tells a total of its own: 查处酒后驾驶12起,其中醉酒驾驶3起,查处…其他违法行为47起), or
      mirror the totals before 其中 in their order (破获案件3200余起,抓获嫌疑人5800余名,其中
      侦破…案件410起,抓获嫌疑人1260名);
    - 其中, opening a sentence: to its end, running on past a ';' while the next clause repeats
      the first one's opening (其中,查处…58起;查处…4起), or opens with a verb of the same kind
      (`openings`, the rules' verb patterns: 其中侦破凯里…案,…;破获了…案,…), or names a police
      unit of the same kind (`police_unit`, the cue: 其中,沙市区分局…;荆州区分局…);
    - inside brackets: to the closing bracket; a bracket right after a tally is a breakdown
      of it too (查处酒后驾驶14起(二次酒驾两起)).
    """
    scopes = []
    sentences = sentences or marks(text, SENTENCE_END)
    unit_re = _counted_in(units) if units else None

    def same_unit_run(start: int, clauses: list[str], unit: str, totals: tuple[str, ...] = (), first: str = "",
                      total_verb: str = "") -> int:
        """Extend a scope over following comma clauses that count in `unit` (empty ones are skipped),
        or in the unit of the total that comes next in `totals` (the units counted before 其中).
        A clause opening with `total_verb` ends it when the `first` part opened with no verb."""
        end = start
        k = totals.index(unit) if unit in totals else len(totals)
        verbless = bool(total_verb) and not verbs.match(first.lstrip(",: "))
        for cl in clauses:
            if not cl.strip(", "):
                end += len(cl)
                continue
            if verbless and (v := verbs.match(cl.lstrip(", "))) and v.group(0) == total_verb:
                break
            u = unit_re.search(cl)
            if u and u.group(1) != unit and k + 1 < len(totals) and u.group(1) == totals[k + 1]:
                k += 1
            elif not u or u.group(1) != unit:
                break
            end += len(cl)
        return end

    for m in _PART_OPENING.finditer(text):
        s = m.start()
        if s > 0 and text[s - 1] == "(":
            close = _closing(text, s - 1)
            scopes.append((s, close if close != -1 else sentences.around(s)[1]))
            continue
        e = sentences.around(m.end())[1]
        rest = text[m.end():e]
        first_stop = _CLAUSE_STOP.search(rest.lstrip(",: "))
        body_rest = rest.lstrip(",: ")
        clause = body_rest[: first_stop.start() if first_stop else len(body_rest)]
        if "、" in clause and (unit_re is None or unit_re.search(clause[: clause.rindex("、")])):
            # a list of counted parts (其中酒驾12起、醉驾3起), not a list of places or kinds (其中,石家庄、保定…)
            list_end = e - len(body_rest) + (first_stop.start() if first_stop else len(body_rest))
            first = unit_re.search(text[m.end():list_end]) if unit_re else None
            if first and first_stop:
                # …违法停车5300余起,其他交通违法行为七万余起: the list's last part after a comma
                list_end = same_unit_run(list_end, _AFTER_COMMA.split(text[list_end:e]), first.group(1))
            scopes.append((s, list_end))
            continue
        if not rest.startswith((",", ":")) and unit_re:
            # 其中醉驾62起,刑事拘留62人: the parts go on while they count in the first part's unit
            clauses = _AFTER_COMMA.split(rest)
            first = unit_re.search(clauses[0])
            if first:
                totals = tuple(u.group(1) for u in unit_re.finditer(text, sentences.around(s)[0], s))
                before = [v.group(0) for v in verbs.finditer(text, sentences.around(s)[0], s)] if verbs else []
                scopes.append((s, same_unit_run(m.end() + len(clauses[0]), clauses[1:], first.group(1), totals, clauses[0],
                                                before[-1] if before else "")))
                continue
        lead = body_rest[:2]
        kinds = [v for v in openings if v.match(body_rest)]
        unit = police_unit.match(body_rest) if police_unit else None  # 其中,沙市区分局…;荆州区分局…: parts told by police unit

        def same_kind_of_part(at: int) -> bool:
            if text[at:at + 2] == lead or any(v.match(text, at) for v in kinds):
                return True
            other = police_unit.match(text, at) if police_unit else None
            return unit is not None and other is not None and other.group(1) == unit.group(1)

        while e < len(text) and text[e] == ";" and lead and same_kind_of_part(e + 1):
            e = sentences.around(e + 1)[1]
        scopes.append((s, e))
    if units:
        unit_before = _unit_at_end(units)
        for m in _OPENING_BRACKET.finditer(text):
            close = _closing(text, m.start())
            if (close != -1 and close - m.start() < 60 and unit_before.search(text, max(0, m.start() - 3), m.start())
                    and _ANY_DIGIT.search(text, m.start(), close)):
                scopes.append((m.start(), close))
    return scopes


def _closing(text: str, at: int) -> int:
    """The bracket that closes the one opened at `at`, past brackets inside it (…(其中民警480人(次)、
    辅警620人(次))); -1 when it is not closed before the paragraph ends."""
    depth = 0
    for m in _BRACKET.finditer(text, at):
        if m.group(0) == "\n":
            return -1
        depth += 1 if m.group(0) == "(" else -1
        if depth == 0:
            return m.start()
    return -1


_OPENING_BRACKET = searchable(r"\(")
_BRACKET = searchable(r"[()\n]")


def _openings(rules: TallyRules) -> tuple[re.Pattern, ...]:
    """The verbs of the rules that a verb alone decides (cases.verb: 破获|侦破|…, materials.verb:
    发放|张贴|…): two parts that open with verbs of one such rule are of the same kind."""
    return derived(rules, ("openings",), lambda: tuple(searchable(f"(?:{r.verb})了?") for r in rules.rules
                                                       if r.verb and not r.decisive and r.noun is None and r.units))


def _last_verb(spans: list[tuple[int, int]]) -> Optional[tuple[int, int]]:
    """The last verb before a number, joined with verbs written right before it (纠正教育)."""
    if not spans:
        return None
    s, e = spans[-1]
    for a, b in reversed(spans[:-1]):
        if b == s:
            s = a
        else:
            break
    return s, e


def _noun_hit(noun: re.Pattern, phrase: str) -> tuple[int, int]:
    """(distance of the cue from the phrase's end, -cue length) for the head-final match of a
    noun pattern that matches `phrase`."""
    best, n = None, len(phrase)
    for m in noun.finditer(phrase):  # (the least, the first of equal ones, as min() gives; no generator)
        s, e = m.span()
        hit = (n - e, s - e)
        if best is None or hit < best:
            best = hit
    return best


class _ByVerb(dict):
    """For a classifier and a governing verb: the count-after-a-count rules, and the other rules
    whose verb condition holds, each with its tier before the noun test. Verbs come from the
    rules' own lexicon, so each (classifier, verb) is worked out once per rule set."""

    def __init__(self, rules: TallyRules):
        super().__init__()
        self.rules = rules

    def __missing__(self, key: tuple[str, str]) -> tuple[list, list]:
        unit, verb = key
        follows, others = [], []
        for order, r in enumerate(self.rules.rules):
            if r.units and unit not in r.units:
                continue
            if r.follows_tally:
                follows.append((order, r))
            elif r.verb_re is None or (verb and r.verb_re.search(verb)):
                tier = 1 if r.verb_re and r.noun_re else (2 if r.decisive else 4) if r.verb_re else 3
                others.append((order, r, tier, r.noun_re))
        self[key] = (follows, others)
        return follows, others


def by_verb(rules: TallyRules) -> _ByVerb:
    return derived(rules, ("by verb",), lambda: _ByVerb(rules))


def categorize(rules: TallyRules, unit: str, verb: str, verb_dist: int, left_noun: str, right_noun: str,
               follows_tally: bool, index: Optional[_ByVerb] = None) -> tuple[Optional[TallyRule], str]:
    """The rule that decides one tally's category, by tier, then nearness of its cue."""
    follows, others = (index if index is not None else by_verb(rules))[unit, verb]
    # the candidate with the least key, the first of equal ones (what min() over them all gives);
    # a rule of a higher tier than the best so far cannot win: its noun is not searched for
    best_key: Optional[tuple] = None
    best: tuple[Optional[TallyRule], str] = (None, "")
    if follows_tally:
        for order, r in follows:
            key = (0, 0, 0, order)
            if best_key is None or key < best_key:
                best_key, best = key, (r, "count after a count")
    for order, r, tier, noun in others:
        if best_key is not None and tier > best_key[0]:
            continue
        if noun is None:
            key, how = (tier, 1, verb_dist, 0, order), "verb"
        elif right_noun and noun.search(right_noun):
            key, how = (tier, 0, *_noun_hit(noun, right_noun), order), "noun after"
        elif left_noun and noun.search(left_noun):
            key, how = (tier, 1, *_noun_hit(noun, left_noun), order), "noun before"
        else:
            continue
        if best_key is None or key < best_key:
            best_key, best = key, (r, how)
    return best


def verb_lexicon(rules: TallyRules) -> re.Pattern:
    """Compiled once per rule set."""
    return derived(rules, ("verbs",), lambda: _build_lexicon(rules))


def _build_lexicon(rules: TallyRules) -> re.Pattern:
    """Every verb the rules know, plus syntax.verbs; longest first. A verb that is the first
    part of a noun (劝导站, 检查点, 宣传车, 出租房屋, 出入境) is not a verb there."""
    alts: set[str] = set(rules.syntax.verbs.split("|"))
    for r in rules.rules:
        if r.verb:
            alts.update(a for a in r.verb.split("|") if a and not any(ch in a for ch in "()[]?*+\\"))
    # the longest verb at an offset: a verb the lookahead rules out (检查 in 检查点位) does not give
    # way to a shorter one (检)
    return searchable(longest_word(alts) + "(?![站点岗所室队员台栏租口]|处(?![罚置理])|入境)")


def _first_verb(verbs: re.Pattern, text: str) -> str:
    m = _PARTICLES.match(text)
    vm = verbs.match(text, m.end())
    return vm.group(0) if vm else ""


def find_tallies(body: str, rules: TallyRules, language: LanguageCues, verbs: Optional[re.Pattern] = None) -> list[Finding]:
    syntax = rules.syntax
    verbs = verbs or verb_lexicon(rules)
    index = by_verb(rules)
    units = derived(syntax, ("units",), lambda: tuple(syntax.units))  # (once per rule set, not per article)
    count_re = _counted_in(units)
    quantities = find_quantities(body, syntax)
    sentences, clauses, items = marks(body, SENTENCE_END), marks(body, SENTENCE_END + ","), marks(body, ITEM_END)
    cues = rules.cues
    noun_end, total_lead = cues.noun_end.re, cues.total_lead.re
    # (the cues read for every number, bound once)
    quota_before, all_kinds, rate = cues.quota_before.re, cues.all_kinds.re, cues.rate.re
    per_day, times, go_into, minimum = cues.per_day.re, cues.times.re, cues.go_into.re, cues.minimum.re
    plan_opening, plan_word, future = language.plan_opening.re, cues.plan_word.re, language.future.re
    scopes = breakdown_scopes(body, units, sentences, _openings(rules), cues.police_unit.re, verbs)
    verb_spans = [m.span() for m in verbs.finditer(body)]  # found once; each tally looks up its own
    if "《" in body:  # a verb inside a title (发放《冬季出行安全提示》3000余份) is a word of the name, not the clause's
        titles = [m.span() for m in _BOOK_TITLE.finditer(body)]
        verb_spans = [v for v in verb_spans if not any(a < v[0] < b for a, b in titles)]
    verb_starts = [a for a, _ in verb_spans]
    verb_ends = [b for _, b in verb_spans]
    findings: list[Finding] = []
    prev_end_in_item: dict[int, int] = {}
    para_of = _paragraph_index(body)
    last_by_unit: dict[tuple[int, str], str] = {}
    to_object_list: Optional[tuple[int, int]] = None  # (clause, where its item ends) of the last count of a 对/把/将 object
    for q in quantities:
        qs, qe = q.start, q.end  # (read once: compiled, each q.start is an attribute lookup)
        f = Finding(q, para_of(qs))
        findings.append(f)
        if q.reason:
            f.reason = q.reason
            continue
        if quota_before.search(body, max(0, qs - 3), qs) and not all_kinds.search(body, max(0, qs - 6), qs):
            f.reason = "quota or distribution (每/均/各…)"
            continue
        ss, se = sentences.around(qs)
        cs, _ = clauses.around(qs)
        if (plan_opening.match(body, ss) or plan_word.search(body, cs, qs) or future.search(body, ss, qs)
                or (minimum.match(body, qs) and cues.goal.re.search(body, cs, qs))):
            f.reason = "a plan (下一步…, 计划…, 将投入…, 确保…不少于…), not work done"
            continue
        if rate.search(body, cs, qs) or (per_day.search(body, cs, qs) and (
                (q.unit and times.fullmatch(q.unit)) or minimum.match(body, qs))):
            f.reason = "rate or quota (每个考点…, 每天巡逻2次, 每晚安排警力不少于10人), not a total"
            continue
        is_, ie = items.around(qs)
        if is_ == qs and (aside := _ASIDE.search(body, max(0, qs - 12), qs)) is not None:
            is_ = items.around(aside.start())[0]  # 设置服务站(点)36个: the bracket belongs to the noun
        in_scope = next(((a, b) for a, b in scopes if a <= qs < b), None)
        verb_from = ss
        if in_scope and in_scope[0] <= ss + 3:
            # 其中 opens a new sentence: its items are governed by the verb of the total before it
            verb_from = sentences.around(max(0, ss - 2))[0]
        prev_end = prev_end_in_item.get(is_)
        follows = prev_end is not None and prev_end == qs
        left_start = max(is_, prev_end or is_)
        labelled = (left_start == qs and left_start > cs and body[left_start - 1] == ":"
                    and _NOTHING_AFTER.match(body, qe) is not None)
        if labelled:
            # a label and its figure, nothing after it (■ 暂扣车辆:132辆, 开展交通安全宣传:38场次): the
            # label is the phrase before the colon
            label = _BULLETS.match(body, items.around(left_start - 1)[0]).end()
            labelled = not _DIGIT.search(body, label, left_start)
            if labelled:
                left_start = label
        lo, hi = bisect.bisect_left(verb_starts, verb_from), bisect.bisect_left(verb_ends, qs + 1)
        before = [v for v in verb_spans[lo:hi] if v[1] <= qs]
        if len(before) > 1 and body[before[-1][1]:before[-1][1] + 1] == "的" and before[-2][1] > cs:
            before.pop()  # 销毁近年来缴获的各类毒品: a verb before 的 describes the noun; the one before it governs
        vm = _last_verb(before)
        verb = body[vm[0]:vm[1]] if vm else ""
        verb_abs_end = vm[1] if vm else -1
        verb_dist = qs - verb_abs_end if vm else 999
        left = body[left_start:qs - 1 if labelled else qs]  # a label without its colon
        resp = _respective(body, cs, qs, cues.respectively.re)
        if resp is not None:
            left = resp  # 出动警力、警车分别为640人次、152辆次: the k-th count goes with the k-th noun
        _, clause_end = clauses.around(qe)
        right_full = body[qe:clause_end]
        kinds = _ADMIN_KINDS.match(right_full, 1) if right_full[:1] in "县市区" else None
        skipped = 0
        if kinds:  # 6个县(市、区)公安局: the noun is 县公安局
            right_full, skipped = right_full[:1] + right_full[kinds.end():], kinds.end() - 1
        # the head noun after the classifier: up to a verb or function word, or the next number;
        # a list separator right after the classifier starts a new item instead
        right_item = "" if right_full[:1] in "、,:;()《》【】[]" else right_full
        right, right_item, rs = _head_noun(right_item, noun_end)
        if rs is not None and rs.group(0) == "的" and left.endswith("为"):
            # 为13名忘带证件或遇交通拥堵的考生提供紧急护送服务: the people served, a relative clause
            # between the count and its noun; what is done for them names the tally
            right = right_item.strip("“”\"‘’、 ")
        if not right and right_full[:1] == "、":
            # counts sharing the noun after the last of them (19项、146场大型活动)
            nxt_count = count_re.match(right_full, 1)
            if nxt_count:
                right = _head_noun(right_full[nxt_count.end():], noun_end)[0]
        after_verb = _first_verb(verbs, right_item[len(right):].lstrip("“”\"‘’ ")) if not right.strip() or rs else ""
        if not after_verb and right and (vm is None or vm[1] <= cs) and right_full[len(right):len(right) + 1] == "、":
            # counts of a 、-list with no verb before them share the verb after the last
            # (三十余家单位、两千余名群众参加)
            after_verb = _verb_after_list(right_full[len(right) + 1:], count_re, verbs, noun_end)
        if vm is None or vm[1] <= cs:  # no verb of the rules in the count's clause before it
            if not after_verb and _NOTHING_AFTER.match(body, qe) and cues.existential.re.search(body, cs, qs):
                f.reason = "what there is (该团伙共有成员6人, …村共有村民860户), not work done"
                prev_end_in_item[is_] = qe
                continue
            if in_scope is None and cues.crime_verb.re.search(body, cs, qs):
                f.reason = "what the criminals did (先后骗取…16名老年人钱款), not police work"
                prev_end_in_item[is_] = qe
                continue
        listed = is_ > cs and body[is_ - 1] == "、"
        to_object = (_TO_OBJECT.search(left) or (listed and not left.strip() and _TO_OBJECT_LIST.search(body, cs, qs))
                     or (listed and (_TO_OBJECT_LISTED.search(body, cs, qs) or to_object_list == (cs, is_ - 1))))
        later = None
        gone = None if to_object else go_into.search(left)
        at = gone is not None and left[gone.start()] == "在"
        if at:
            by_noun = categorize(rules, q.unit, "", 999, "", right.strip(), follows, index)[0]
            if (vm is not None and vm[0] >= left_start + gone.start()) or (by_noun is not None and by_noun.category == "units"):
                # a verb between 在 and the count governs it (在城区设点5个); police units a bureau works
                # through are units taking part (在全县18个派出所开设…窗口)
                gone, at = None, False
        if to_object or gone is not None:
            # 对N个X进行回访, 将N名逃犯缉捕到案: the verb after the object decides, in its clause or
            # at the head of the next one (对…的3家场所,当场责令整改)
            within = verbs.search(right_full)
            de = right_full.find("的")
            if within is not None and de > within.start():
                # 对4家拒不整改的场所依法予以处罚: a verb before 的 describes the object; the one after governs
                within = verbs.search(right_full, de + 1) or within
            later = within or (verbs.search(body, clause_end + 1, min(se, clause_end + 8))
                               if body[clause_end:clause_end + 1] == "," else None)
            if later and cues.light_verb.re.fullmatch(later.group(0)):
                # 对3家银行开展安全防范检查: a light verb's object names what is done
                heavy = verbs.search(right_full, later.end())
                # (only a check: 对347名逃犯开展集中缉捕行动 aims a manhunt at them, it catches none)
                later = heavy if heavy and cues.check_verb.re.fullmatch(heavy.group(0)) else later
            if not to_object and not (later and cues.check_verb.re.fullmatch(later.group(0))):
                # places gone into or worked at (深入42所学校开展安全检查) are the object of a check only;
                # with another verb after them in the clause they are where the work was done
                # (在全市58所中小学校门口设置“护学岗”, 深入12个乡镇开展宣传): no tally
                if within is not None and at:
                    f.reason = "where the work was done (在全市58所学校门口设置…), not a tally"
                    prev_end_in_item[is_] = qe
                    continue
                later = None
        if later is not None or to_object:
            # the next item of the same 、-list is of the same object (…现金23.6万元、电动车18辆、手机9部当场返还)
            to_object_list = (cs, items.around(qe)[1])
            if later:
                verb, verb_dist = later.group(0), 0
                if rs is not None and rs.group(0) == "的" and rs.end() < later.start():
                    # 对3家存在重大隐患的单位下达…: the object's head noun follows its relative clause
                    right = _head_noun(right_full[rs.end():later.start()], noun_end)[0]
            elif vm is not None and vm[1] <= cs:
                # 邀请代表86人,对全市14个派出所的工作进行测评: with no verb known after the object, the
                # verb of the clause before does not govern it; its noun decides
                verb, verb_dist = "", 999
        elif rs is not None and (passive := cues.passive.re.match(right_item, rs.start())) and (done := verbs.match(right_item, passive.end())):
            # 18名犯罪嫌疑人已被依法刑事拘留: the verb after 被 is done to the people counted
            verb, verb_dist = done.group(0), 0
        elif _bare(left, total_lead) and after_verb and (not right or (vm is not None and vm[1] <= cs)):
            # 52.3万人参加; and a clause of its own whose verb follows its count (…收缴赌资4万多元,
            # 一百余名群众参加): the verb of the clause before does not govern it
            verb, verb_dist = after_verb, 0
        f.verb, f.noun = verb, (right or left)
        rule, how = categorize(rules, q.unit, verb, verb_dist, left.strip(), right.strip(), follows, index)
        audience = rule is not None and rule.verb is None and rule.category == "participants" and how != "noun after"
        if (rule is None or audience) and is_ > cs and body[is_ - 1] == "、" and not _DIGIT.search(body, cs, is_):
            # one count for a 、-list of nouns (排查整治治安乱点、重点地区138个): any of them may name it;
            # and a noun of the list the verb goes with outranks a last noun read as an audience
            # (帮助群众找回走失老人、儿童26名: people reunited, not an audience of 儿童)
            whole, whole_how = categorize(rules, q.unit, verb, verb_dist, body[cs:qs].strip(), right.strip(), follows, index)
            if rule is None or (whole is not None and whole.verb is not None and whole.noun is not None):
                rule, how = whole, whole_how
        if (right and len(right) <= 4 and after_verb and _bare(left, total_lead)
                and (rule is None or _unknown_noun(right, rule, how))):
            # a short noun no rule knows, then its verb (上千名新生参加活动): the verb after it decides
            # (not past words between them: 确保…6320名考生平安顺利参加考试)
            by_after, how_after = categorize(rules, q.unit, after_verb, 0, "", right.strip(), follows, index)
            if by_after is not None:
                rule, how, f.verb = by_after, "verb after", after_verb
        weak = rule is None or (rule.verb is not None and rule.noun is None and not rule.decisive)
        inherited = last_by_unit.get((f.para, q.unit))
        after_verb_noun = body[max(left_start, verb_abs_end):qs] if verb_abs_end > left_start else left
        # (其余8条: the rest of a count just told, of its kind)
        elliptic = weak and not right and (_bare(left, total_lead) or not after_verb_noun.strip(" 了共累计合总达全部当场已其余"))
        if inherited and weak and (elliptic or in_scope):
            f.category, f.rule = inherited, "inherit.same_unit"
        elif rule is None:
            f.reason = "no rule matched" + (f" (verb {verb!r}, noun {(right or left)[-8:]!r})" if verb or right or left else "")
            prev_end_in_item[is_] = qe
            continue
        else:
            if how != "verb after" and _unknown_noun(right, rule, how):
                rule = _head_after_clause(rules, q.unit, verb, verb_dist, left, right, right_item, follows, index, verbs)
                if rule is None:
                    f.reason = f"counted noun {right!r} has no rule"
                    prev_end_in_item[is_] = qe
                    continue
                right = right_item.rstrip()  # (the evidence runs to the head noun)
            f.category, f.rule = rule.category, rule.id
        f.breakdown = in_scope is not None
        ev_start = left_start if left_start < qs else qs
        if ev_start == qs and body[qs - 1:qs] == "》" and (t := body.rfind("《", cs, qs)) >= 0:
            ev_start = items.around(t)[0]  # 发放《冬季出行安全提示》3000余份: the evidence names what was handed out
        if resp is not None:
            ev_start = cs  # 出动警力、警车分别为320人次、86辆次: the evidence names what each count is of
        f.evidence = (ev_start, min(qe + len(right) + skipped, clause_end))
        prev_end_in_item[is_] = qe
        last_by_unit[(f.para, q.unit)] = f.category
    return findings




def _head_after_clause(rules: TallyRules, unit: str, verb: str, verb_dist: int, left: str, right: str, item: str,
                       follows: bool, index: _ByVerb, verbs: re.Pattern) -> Optional[TallyRule]:
    """When the counted noun was cut short by words of a clause that describes it (12起处置不到位问题:
    the noun stops at 处置不), the head noun at the end of the item (问题) may name the tally: the rule
    that knows it, after the count, else None. Not when a verb follows the cut: the item is then a
    clause of its own (深入12个乡镇开展宣传: the places gone into)."""
    item = item.strip()
    if len(item) <= len(right) + 1 or not _HAN.search(item[-2:]) or verbs.search(item, len(right)) is not None:
        return None
    rule, how = categorize(rules, unit, verb, verb_dist, left.strip(), item, follows, index)
    return rule if rule is not None and how == "noun after" and not _unknown_noun(item, rule, how) else None


def _bare(left: str, total_lead: re.Pattern) -> bool:
    """Nothing before the count in its item but words that lead a total (the cue: 共, 累计, 共有, 达)."""
    return total_lead.fullmatch(left) is not None


def _unknown_noun(right: str, rule: TallyRule, how: str) -> bool:
    """The counted noun after the classifier names something the rule that matched does not speak of."""
    return (len(_HAN.findall(right)) >= 2 and how != "noun after" and not rule.decisive and not rule.follows_tally
            and not (rule.verb and rule.noun))




def _respective(body: str, start: int, pos: int, respectively: re.Pattern) -> Optional[str]:
    """For the k-th count of a 、-list after 分别为 (警力、警车分别为640人次、152辆次), the k-th
    item of the 、-list before it; None when the count follows no such list."""
    i = body.rfind("分别", start, pos)
    m = respectively.match(body, i, pos) if i >= 0 else None
    if m is None:
        return None
    items = body[start:m.start()].split("、")
    k = body[m.end():pos].count("、")
    return items[k] if len(items) > 1 and k < len(items) else None


def _verb_after_list(rest: str, count_re: re.Pattern, verbs: re.Pattern, noun_end: re.Pattern) -> str:
    """The verb right after the last count of the 、-list that `rest` goes on with, if every item
    of it is a count and its noun ("" when there is none)."""
    last = None
    for item in rest.split("、"):
        m = count_re.search(item)
        if m is None or m.start() > 0:
            return ""
        last = item[m.end():]
    if last is None:
        return ""
    noun, item, stop = _head_noun(last, noun_end)
    return _first_verb(verbs, item[len(noun):].lstrip("“”\"‘’ ")) if stop is not None or not noun else ""


def _head_noun(right_item: str, noun_end: re.Pattern) -> tuple[str, str, Optional[re.Match]]:
    """The head noun after a classifier: up to a verb or function word (the cue `noun_end`), or the next number.
    Also the item it was cut from, and the stop word that ended it."""
    nxt = _NEXT_ITEM.search(right_item)
    if nxt:
        right_item = right_item[:nxt.start()]
    rs = noun_end.search(right_item)
    right = right_item[:rs.start()] if rs else right_item
    return right.strip("“”\"‘’、 "), right_item, rs


def _paragraph_index(text: str):
    starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]

    def para(pos: int) -> int:
        return bisect.bisect_right(starts, pos) - 1

    return para
