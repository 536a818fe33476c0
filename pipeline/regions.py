"""Place names to official regions (GB/T 2260 adcodes), from JioNLP's administrative data.

`Gazetteer` indexes every province, city and county of JioNLP's `china_location` table by
its full name and its short forms (鱼台县 and 鱼台), so that "鱼台公安局" resolves to
山东省 / 济宁市 / 鱼台县 / 370827. Nothing here is a hand-made list of places.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from .cache import cached
from .quiet import quiet

MUNICIPALITIES = {"北京市", "天津市", "上海市", "重庆市"}
# suffixes that JioNLP's short forms drop; used to derive more short forms (内蒙古自治区 → 内蒙古)
_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县", "地区", "林区", "新区",
             "省", "市", "县", "区", "旗", "盟")


@dataclass(frozen=True)
class Place:
    level: str  # province | city | county
    name: str
    adcode: str
    province: str
    city: Optional[str]
    county: Optional[str]

    def __hash__(self) -> int:
        # (dataclass keeps a __hash__ written here: the one it writes runs as Python code even in the
        # compiled module, and places are hashed some thirty times an article; equal places have
        # one adcode and name)
        return hash((self.adcode, self.name))

    def region(self) -> dict:
        if self.province in MUNICIPALITIES:
            adcode = self.adcode if self.level == "county" else self.adcode[:2] + "0000"
            if self.level == "county":
                return {"level": "county", "province": self.province, "city": self.province, "county": self.county, "adcode": adcode}
            return {"level": "province", "province": self.province, "city": None, "county": None, "adcode": adcode}
        return {"level": self.level, "province": self.province, "city": self.city if self.level != "province" else None,
                "county": self.county if self.level == "county" else None, "adcode": self.adcode}


def _aliases(full: str, alias) -> set[str]:
    names = {full}
    for a in ([alias] if isinstance(alias, str) else list(alias or [])):
        if a and len(a) >= 2:
            names.add(a)
    for suf in _SUFFIXES:
        if full.endswith(suf) and len(full) - len(suf) >= 2:
            names.add(full[: -len(suf)])
            break
    # ethnic-autonomous names: 围场满族蒙古族自治县 → 围场; 黔东南苗族侗族自治州 → 黔东南
    m = re.match(r"^(.{2,4}?)(?:[^族]{1,4}族)+自治[县州旗]$", full)
    if m:
        names.add(m.group(1))
        names.add(m.group(1) + full[-1])  # 丰宁县公安局, 湘西州: the short name keeps its level word
    if "自治" in full:
        # the given short names with the level word too (西双版纳州, 黔东南州, 伊犁州), where the
        # pattern above cuts the name at the wrong 族 or finds none
        names.update(a + full[-1] for a in list(names) if a != full and 2 <= len(a) <= 5 and not a.endswith(full[-1]))
    return names


class Gazetteer:
    def __init__(self, not_names: frozenset[str] = frozenset(), updates: tuple[tuple[str, str, str], ...] = ()) -> None:
        with quiet():
            from jionlp.dictionary.dictionary_loader import china_location_loader

        self.not_names = not_names
        self.by_name: dict[str, list[Place]] = {}
        self.by_code: dict[str, Place] = {}
        data = china_location_loader()
        for prov, pv in data.items():
            self._add(Place("province", prov, pv["_admin_code"], prov, None, None), _aliases(prov, pv.get("_alias")))
            for city, cv in pv.items():
                if city.startswith("_"):
                    continue
                if city.endswith("直辖县级行政区划") or city.endswith("直辖行政区划"):
                    city = None
                elif prov not in MUNICIPALITIES:
                    self._add(Place("city", city, cv["_admin_code"], prov, city, None), _aliases(city, cv.get("_alias")))
                for county, kv in cv.items():
                    if county.startswith("_"):
                        continue
                    self._add(Place("county", county, kv["_admin_code"], prov, city, county), _aliases(county, kv.get("_alias")))
        for name, old_code, new_code, *table_name in updates:
            self._recode(name, old_code, new_code, *table_name)
        self.prefixes = {n[:i] for n in self.by_name for i in range(1, len(n) + 1)}

    def _recode(self, name: str, old_code: str, new_code: str, table_name: Optional[str] = None) -> None:
        """Give a place the code GB/T 2260 gave it when it changed (JioNLP's table has the new
        name under the old code: 监利市 421023 for 421088), and its official name when the table's
        is another (凤翔市 610322 for 凤翔区 610305). Only when the table still says old_code."""
        was = self.by_code.get(old_code)
        if was is None or was.name != (table_name or name):
            return
        county = name if was.level == "county" else was.county
        city = name if was.level == "city" else was.city
        now = Place(was.level, name, new_code, was.province, city, county)
        del self.by_code[old_code]
        self.by_code[new_code] = now
        for places in self.by_name.values():
            for i, p in enumerate(places):
                if p is was:
                    places[i] = now
        if name != was.name and now not in self.by_name.setdefault(name, []):
            self.by_name[name].append(now)

    def _add(self, place: Place, names: set[str]) -> None:
        self.by_code[place.adcode] = place
        for n in names:
            if n in self.not_names and n != place.name:
                continue
            self.by_name.setdefault(n, []).append(place)

    def find_in_tokens(self, starts: list[int], texts: list[str]):
        """Every place-name occurrence in a segmented text (token offsets and texts), as (start, end,
        name, candidates): a name is one jieba token or up to three adjacent ones (邵阳 隆回县 公安局,
        郫都 区), longest first, or the head of a token that jieba keeps whole with its bureau
        (北京市公安局)."""
        out = []
        n = len(texts)
        prefixes, by_name = self.prefixes, self.by_name
        after = -1  # tokens before this index are inside a name already found
        for i, tok in enumerate(texts):
            if i < after:
                continue
            if tok not in prefixes:
                if tok[-1:] in ("局", "厅"):
                    stem = _bureau_stem(tok)
                    if stem in by_name:
                        out.append((starts[i], starts[i] + len(stem), stem, by_name[stem]))
                continue
            # grow the name token by token while it is still the beginning of some place name
            found, name = 0, tok
            for k in (1, 2, 3):
                if k > 1:
                    if i + k > n:
                        break
                    name += texts[i + k - 1]
                    if name not in prefixes:
                        break
                if len(name) >= 2 and name in by_name:
                    found = k
            if found:
                name = "".join(texts[i:i + found])
                out.append((starts[i], starts[i] + len(name), name, by_name[name]))
                after = i + found
            elif i + 1 < n and texts[i + 1][:1] in _LEVEL_WORDS and tok + texts[i + 1][0] in by_name:
                # 和平 县公安局: jieba keeps the level word with the bureau, and a name that is also
                # a common word (和平, 长安) is a place only with its level word
                name = tok + texts[i + 1][0]
                out.append((starts[i], starts[i] + len(name), name, by_name[name]))
                after = i + 1
        return out

    def province(self, name: str) -> Optional[Place]:
        for p in self.by_name.get(name, []):
            if p.level == "province":
                return p
        return None


_BUREAUS = ("公安分局", "公安局", "公安厅")
_LEVEL_WORDS = "县区市旗州"


def _bureau_stem(token: str) -> str:
    """北京市公安局 → 北京市; anything else → ""."""
    for suffix in _BUREAUS:
        if token.endswith(suffix) and len(token) > len(suffix) + 1:
            return token[: -len(suffix)]
    return ""


@lru_cache(maxsize=2)
def gazetteer(not_names: frozenset[str] = frozenset(), updates: tuple[tuple[str, str, str], ...] = ()) -> Gazetteer:
    """The gazetteer, read from the cache folder when an earlier run has built it (see cache.py).
    `updates` are rules/metadata.yaml's `adcode_updates` (name, old code, new code)."""
    key = "|".join(sorted(not_names)) + "#" + "|".join(",".join(u) for u in updates)
    return cached("gazetteer", __file__, key, lambda: Gazetteer(not_names, updates))
