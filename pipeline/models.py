"""Records that flow between stages, in the shape of ../shared/spec/SCHEMA.md.

`Article` is the SCHEMA object (one JSONL line of `extract`); the extra optional
fields (`start`/`end` offsets, `rule`, `text_sha1` …) are additions the schema allows.
"""
from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

CATEGORIES = (
    "meetings", "officers", "police_vehicles", "units", "checkpoints", "participants",
    "materials", "visits", "inspections", "hazards", "violations", "cases", "suspects",
    "detentions_admin", "detentions_criminal", "vehicles_seized", "licenses_seized",
    "drugs_seized", "property_recovered", "fines", "people_educated", "other",
)
ACTIVITY_TYPES = (
    "enforcement", "publicity", "evaluation", "follow_up", "property_return", "community",
    "inspection", "security", "training", "investigation", "other",
)
Category = Literal[CATEGORIES]  # type: ignore[valid-type]
ActivityType = Literal[ACTIVITY_TYPES]  # type: ignore[valid-type]
Level = Literal["national", "province", "city", "county"]


class Region(BaseModel):
    level: Level
    province: Optional[str] = None
    city: Optional[str] = None
    county: Optional[str] = None
    adcode: Optional[str] = None


class Activity(BaseModel):
    name: str
    type: ActivityType
    start: Optional[str] = None
    end: Optional[str] = None


class Metric(BaseModel):
    category: Category
    value: float
    unit: str
    approx: bool = False
    breakdown: bool = False
    activity: Optional[str] = None
    evidence: Optional[str] = None
    start: Optional[int] = Field(None, description="character offset of the number in the stored text")
    end: Optional[int] = Field(None, description="offset just past the unit in the stored text")
    rule: Optional[str] = None

    def key(self) -> tuple:
        return (self.category, round(float(self.value), 6), self.unit)


class Article(BaseModel):
    """One article's record: SCHEMA.md fields plus provenance."""

    model_config = ConfigDict(extra="ignore")

    doc_id: str
    title: Optional[str] = None
    published: Optional[str] = None
    source: Optional[str] = None
    agency: Optional[str] = None
    region: Optional[Region] = None
    activities: list[Activity] = []
    metrics: list[Metric] = []
    url: Optional[str] = None
    path: Optional[str] = None


class RawDoc(BaseModel):
    """What the reader hands on: one article's decoded text (or HTML) and where it came from."""

    doc_id: str
    path: str
    line: Optional[int] = None
    text: str
    is_html: bool = False
    url: Optional[str] = None
    published: Optional[str] = None
    encoding: Optional[str] = None


class ReadError(BaseModel):
    """An input that could not become an article: recorded, never raised through the batch."""

    path: str
    line: Optional[int] = None
    reason: str


def checked(model: type[BaseModel]):
    """A function that makes `model(**fields)` from a dict of the fields: the same checks and the
    same record, in one call into pydantic's validator, without BaseModel.__init__'s Python frame
    and keywords (a quarter less time for each of the ten-odd records of an article)."""
    return model.__pydantic_validator__.validate_python
