"""Rule files under `rules/`: loaded, validated by pydantic, compiled once.

Rules are data. Each YAML file is checked on load; a bad file raises `RuleError` naming
the file and the reason, which the CLI prints as one line. `Rules.version` is a hash of
all rule files, stored with every article so that a rules edit can trigger re-extraction.
"""
from __future__ import annotations

import hashlib
import re
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Optional

import pydantic
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from . import models
from .cache import cached
from .models import ACTIVITY_TYPES, CATEGORIES
from .patterns import Alternation, longest_word, searchable

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"


_DERIVED: dict[tuple, tuple[object, object]] = {}


def derived(obj: object, key: tuple, build):
    """What a stage works out once from a rule object (compiled patterns, indexes), memoized by
    the object's identity and `key`. The entry holds the object too, so while it lives no other
    object can take its id."""
    k = (id(obj), *key)
    hit = _DERIVED.get(k)
    if hit is None:
        hit = _DERIVED[k] = (obj, build())
    return hit[1]


class RuleError(Exception):
    """A rule file is missing, not YAML, or not of the expected shape."""


def _check_regex(v: Optional[str]) -> Optional[str]:
    if v is None:
        return v
    try:
        searchable(v)
    except re.error as exc:
        raise ValueError(f"bad regular expression {v!r}: {exc}") from exc
    return v


def _one_of(allowed: tuple[str, ...], what: str):
    def check(v: str) -> str:
        if v not in allowed:
            raise ValueError(f"unknown {what} {v!r}; one of {', '.join(allowed)}")
        return v

    return check


_known_category = _one_of(CATEGORIES, "category")


# the rule files' models: extra keys refused; their validators built when a YAML file is first
# parsed, not when this module is imported (runs that find the rules in the cache never build them:
# 0.01 s less of every start-up)
_RULE_FILE = ConfigDict(extra="forbid", defer_build=True)


class Expected(BaseModel):
    model_config = _RULE_FILE
    category: str
    value: float
    unit: str
    approx: Optional[bool] = None
    breakdown: Optional[bool] = None
    _c = field_validator("category")(_known_category)


class Example(BaseModel):
    model_config = _RULE_FILE
    text: str
    expect: list[Expected] = []


class TallyRule(BaseModel):
    """Decides the category of a number+unit from the governing verb and the counted noun.

    `verb` is matched against the nearest verb before the number (a verb governs the list of
    items after it); `noun` against the noun phrase counted (right after the unit, or before
    the number); `units` limits the classifier. A `decisive` verb rule wins over nouns
    (逮捕涉毒嫌疑人 is a detention, not a suspect count).
    """

    model_config = _RULE_FILE
    id: str
    category: str
    verb: Optional[str] = None
    noun: Optional[str] = None
    units: Optional[list[str]] = None
    decisive: bool = False
    follows_tally: bool = False
    note: Optional[str] = None
    examples: list[Example] = Field(min_length=1)
    counter_examples: list[Example] = Field(min_length=1)

    _v = field_validator("verb", "noun")(_check_regex)

    _c = field_validator("category")(_known_category)

    @cached_property
    def verb_re(self):
        return searchable(self.verb) if self.verb else None

    @cached_property
    def noun_re(self):
        return searchable(self.noun) if self.noun else None


class Cue(BaseModel):
    """A pattern of words a stage looks for (the words that end a counted noun, that say a plan …),
    with texts it must find and texts it must not. `use` is how the stage applies it: `search`
    anywhere in a stretch, `match` at its start, `fullmatch` the whole of it; the examples are
    checked the same way (tests/test_rules.py)."""

    model_config = _RULE_FILE
    pattern: str
    use: str = "search"
    note: Optional[str] = None
    examples: list[str] = Field(min_length=1)
    counter_examples: list[str] = Field(min_length=1)
    _v = field_validator("pattern")(_check_regex)
    _u = field_validator("use")(_one_of(("search", "match", "fullmatch"), "use"))

    @cached_property
    def re(self) -> re.Pattern:
        return searchable(self.pattern)

    def finds(self, text: str) -> bool:
        return getattr(self.re, self.use)(text) is not None


class TallyCues(BaseModel):
    """tallies.yaml `cues:`, the words find_tallies reads around a count (see the file)."""

    model_config = _RULE_FILE
    noun_end: Cue
    passive: Cue
    plan_word: Cue
    quota_before: Cue
    all_kinds: Cue
    rate: Cue
    per_day: Cue
    times: Cue
    light_verb: Cue
    check_verb: Cue
    respectively: Cue
    total_lead: Cue
    police_unit: Cue
    existential: Cue
    goal: Cue
    minimum: Cue
    go_into: Cue
    crime_verb: Cue


class NumberSyntax(BaseModel):
    """How numbers, hedges and classifiers are written (tallies.yaml `syntax:`)."""

    model_config = _RULE_FILE
    units: list[str]
    people_nouns: str
    # what a small numeral written alone counts after its classifier (八个大队): police units
    small_count_nouns: str = "(?!)"
    hedges_before: list[str]
    # hedges only before a bare 百/千/万 (上千名群众, 上万份): 上 elsewhere is a word's end (线上1200人次)
    hedges_before_round: list[str] = []
    hedges_after: list[str]
    # hedges written after the classifier (200人左右)
    hedges_after_unit: list[str] = []
    not_after_unit: dict[str, str] = {}
    verbs: str
    threshold_after: str
    # what the suspects did, counted by the police report (作案200余起): not police work
    done_by_suspects: str = "(?!)"
    # a change against an earlier period (同比增加126起)
    change_before: str = "(?!)"
    # people or units honoured or chosen (评选出优秀民警10名, 对12个先进派出所…表彰): not work done
    chosen_before: str = "(?!)"
    honoured_after: str = "(?!)"
    # people hurt or killed, told after their count (1名民警手臂被划伤, 2名受伤群众): no work done
    harmed_after: str = "(?!)"
    # figures of the place, not of the police (全县接待游客32万人次, 发送旅客120万人次)
    not_police_work: str = "(?!)"
    _v = field_validator("people_nouns", "small_count_nouns", "verbs", "threshold_after", "done_by_suspects", "change_before", "chosen_before",
                         "honoured_after", "harmed_after", "not_police_work")(_check_regex)


class TallyRules(BaseModel):
    model_config = _RULE_FILE
    syntax: NumberSyntax
    cues: TallyCues
    rules: list[TallyRule]

    @field_validator("rules")
    @classmethod
    def _unique(cls, v: list[TallyRule]) -> list[TallyRule]:
        ids = [r.id for r in v]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"rule ids used twice: {', '.join(sorted(dup))}")
        return v


class ActivityCue(BaseModel):
    model_config = _RULE_FILE
    type: str
    pattern: str
    _v = field_validator("pattern")(_check_regex)
    _t = field_validator("type")(_one_of(ACTIVITY_TYPES, "activity type"))


class ActivityExample(BaseModel):
    model_config = _RULE_FILE
    text: str
    published: Optional[str] = None
    expect: list[dict] = []
    exact: bool = False  # the expected activities are all the text reports (no others)


class ActivityCues(BaseModel):
    """activities.yaml `cues:`, the words activities.py reads around a head or a quoted name."""

    model_config = _RULE_FILE
    held: Cue
    police_body: Cue
    verb_before_quote: Cue
    done_to: Cue
    event_after_quote: Cue
    results_after: Cue
    manner: Cue
    structure_count: Cue
    launch: Cue
    launched_by: Cue
    meeting_on: Cue
    scope_after_verb: Cue
    campaign: Cue
    patrol_head: Cue
    advisory: Cue
    holiday: Cue
    longer_period: Cue
    service_after: Cue


class ActivityRules(BaseModel):
    model_config = _RULE_FILE
    heads: list[str] = Field(min_length=1)
    head_modifiers: str
    left_cut: str
    not_after_head: str
    counted_after_head: str
    context_only: str
    context_after: str
    generic_heads: str
    bare_heads: str
    introducing_verbs: str
    not_activity: str
    case_solved: str  # one case told as a story (成功破获一起盗窃电动车案件): an investigation of its own
    event_secured: str  # an event the police see through (护航“村超”总决赛): security duty named by the event
    crackdown: str  # a crackdown named by what it strikes, no head word (深化打击治理电信网络诈骗犯罪工作)
    types: list[ActivityCue]
    clause_kinds: list[str] = Field(default_factory=list)  # see rules/activities.yaml
    cues: ActivityCues
    examples: list[ActivityExample] = Field(min_length=1)
    counter_examples: list[ActivityExample] = Field(min_length=1)

    _v = field_validator("head_modifiers", "left_cut", "not_after_head", "counted_after_head", "context_only", "not_activity", "context_after",
                         "generic_heads", "bare_heads", "introducing_verbs", "case_solved", "event_secured",
                         "crackdown")(_check_regex)

    @field_validator("heads")
    @classmethod
    def _heads(cls, v: list[str]) -> list[str]:
        if any(not h.strip() for h in v):
            raise ValueError("a head word is blank")
        return v

    @field_validator("clause_kinds")
    @classmethod
    def _kinds(cls, v: list[str]) -> list[str]:
        for k in v:
            _one_of(ACTIVITY_TYPES, "activity type")(k)
        return v

    @cached_property
    def heads_re(self):
        """The longest head at an offset (the alternation of the heads longest first, written as a
        tree of their characters: the same matches for search, finditer and fullmatch, fewer tries)."""
        return searchable(longest_word(self.heads))

    @cached_property
    def heads_end_re(self):
        """The heads at the end of a text: its search finds where the longest head a name ends with starts."""
        return searchable(f"(?:{self.heads_re.pattern})\\Z")  # (the same tree, not built again)

    @cached_property
    def compiled(self):
        return {k: searchable(getattr(self, k)) for k in ("head_modifiers", "left_cut", "not_after_head", "counted_after_head", "context_only", "not_activity",
                                                          "context_after", "generic_heads", "bare_heads", "introducing_verbs", "case_solved",
                                                          "event_secured", "crackdown")}

    @cached_property
    def type_res(self):
        return [(c.type, searchable(c.pattern)) for c in self.types]

    @cached_property
    def clause_kind_res(self):
        """The cues of the kinds a tally's clause may name to choose its activity."""
        return tuple((t, rx) for t, rx in self.type_res if t in self.clause_kinds)


class LanguageCues(BaseModel):
    """language.yaml `cues:`, read the same way by every stage: a sentence about work to come."""

    model_config = _RULE_FILE
    plan_opening: Cue
    future: Cue


class Language(BaseModel):
    model_config = _RULE_FILE
    cues: LanguageCues


class BoilerplateExample(BaseModel):
    model_config = ConfigDict(defer_build=True)
    text: str
    blank: bool


class Boilerplate(BaseModel):
    model_config = _RULE_FILE
    id: str
    line: list[str]
    tail: list[str]
    block: list[str] = []
    examples: list[BoilerplateExample] = Field(min_length=1)
    counter_examples: list[BoilerplateExample] = Field(min_length=1)

    @field_validator("line", "tail", "block")
    @classmethod
    def _pats(cls, v: list[str]) -> list[str]:
        for p in v:
            _check_regex(p)
        return v

    # (searched once per line or sentence of every page: patterns.Alternation finds the same match faster)
    @cached_property
    def line_re(self) -> Alternation:
        return Alternation(self.line)

    @cached_property
    def tail_re(self) -> Alternation:
        return Alternation(self.tail)

    @cached_property
    def block_re(self) -> Alternation:
        return Alternation(self.block)


class MetadataCues(BaseModel):
    """metadata.yaml `cues:`, the words read around a place name."""

    model_config = _RULE_FILE
    partner: Cue
    city_wording: Cue
    county_wording: Cue


class MetadataRules(BaseModel):
    """rules/metadata.yaml: places, outlets and agencies."""

    model_config = _RULE_FILE
    not_place_names: list[str]
    police_after: str
    source_outlet: str
    source_reject: str
    agency_full: str
    # GB/T 2260 codes changed after JioNLP's table was made: name → [old code, new code]
    adcode_updates: dict[str, list[str]] = Field(default_factory=dict)
    cues: MetadataCues
    _v = field_validator("police_after", "source_outlet", "source_reject", "agency_full")(_check_regex)

    @field_validator("adcode_updates")
    @classmethod
    def _codes(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        for name, codes in v.items():
            if len(codes) not in (2, 3) or not all(re.fullmatch(r"\d{6}", c) for c in codes[:2]):
                raise ValueError(f"adcode_updates: {name}: give [old code, new code] (six digits each), "
                                 "and the table's name third when it is not the official one")
        return v

    @cached_property
    def updates(self) -> tuple[tuple[str, ...], ...]:
        """(official name, old code, new code[, the name JioNLP's table gives it])."""
        return tuple(sorted((name, *codes) for name, codes in self.adcode_updates.items()))


class Rules(BaseModel):
    """Everything under rules/, loaded together."""

    model_config = ConfigDict(arbitrary_types_allowed=True, defer_build=True)
    tallies: TallyRules
    activities: ActivityRules
    language: Language
    boilerplate: Boilerplate
    metadata: MetadataRules
    userdict: Path
    version: str


@lru_cache(maxsize=1)
def _yaml():
    """PyYAML and the loader of rule files, imported when a rule file is parsed (a run whose rules
    come from the cache never does: 0.015 s of every start-up)."""
    import yaml

    class RuleLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's parser when PyYAML has it: ten times faster
        """YAML as the rule files use it, except that a key given twice in one mapping is an error:
        YAML itself keeps the last, so a rule pasted into the middle of another would silently
        take its neighbour's verb or examples."""

    def mapping_without_repeats(loader, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = loader.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"the key {key!r} is given twice in one mapping", key_node.start_mark)
            seen.add(key)
        return loader.construct_mapping(node, deep=deep)

    RuleLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping_without_repeats)
    return yaml, RuleLoader


def _load_yaml(path: Path) -> dict:
    yaml, loader = _yaml()
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except FileNotFoundError:
        raise RuleError(f"{path}: rule file is missing") from None
    except yaml.YAMLError as exc:
        raise RuleError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise RuleError(f"{path}: expected a mapping at the top level")
    return data


def _parse(model, path: Path):
    try:
        return model.model_validate(_load_yaml(path))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise RuleError(f"{path}: {where}: {first['msg']} ({exc.error_count()} problem(s))") from None


def load_rules(rules_dir: Path | str | None = None) -> Rules:
    d = Path(rules_dir) if rules_dir else RULES_DIR
    files = {"tallies": d / "tallies.yaml", "activities": d / "activities.yaml", "language": d / "language.yaml",
             "boilerplate": d / "boilerplate.yaml", "metadata": d / "metadata.yaml"}
    userdict = d / "userdict.txt"
    if not userdict.exists():
        raise RuleError(f"{userdict}: jieba user dictionary is missing")
    h = hashlib.sha1()
    for p in [*files.values(), userdict]:
        if p.exists():
            h.update(p.read_bytes())

    def parse() -> Rules:
        return Rules(
            tallies=_parse(TallyRules, files["tallies"]),
            activities=_parse(ActivityRules, files["activities"]),
            language=_parse(Language, files["language"]),
            boilerplate=_parse(Boilerplate, files["boilerplate"]),
            metadata=_parse(MetadataRules, files["metadata"]),
            userdict=userdict,
            version=h.hexdigest()[:12],
        )

    # parsed and checked once for these files' contents (a tenth of a second of every start-up), then
    # read back from the cache; a file that fails raises here as before, and nothing is kept
    # (keyed by what decides the result: the files, where they are, this module, models' lists, pydantic)
    models_py = hashlib.sha1(Path(models.__file__).read_bytes()).hexdigest()
    return cached("rules", __file__, f"{d.resolve()}|{h.hexdigest()}|{models_py}|{pydantic.VERSION}", parse)
