"""models.checked: a record made from a dict of its fields is the record model(**fields) makes."""
import pydantic
import pytest

from pipeline.models import Activity, Article, Metric, Region, checked


def test_checked_makes_the_record_init_makes_with_the_same_checks():
    fields = dict(category="violations", value=5, unit="起", approx=False, breakdown=False, activity=None, rule="r",
                  evidence="查处交通违法行为5起", start=3, end=5)
    made = checked(Metric)(fields)
    assert type(made) is Metric and made == Metric(**fields) and made.model_fields_set == Metric(**fields).model_fields_set
    region = checked(Region)({"level": "county", "province": "山东省", "adcode": "370827"})
    art = checked(Article)({"doc_id": "x", "region": region, "metrics": [made], "activities": [checked(Activity)({"name": "a", "type": "publicity"})]})
    assert art == Article(doc_id="x", region=region, metrics=[made], activities=[Activity(name="a", type="publicity")])
    assert art.metrics[0] is made  # (a record handed on is kept, not checked again)
    for bad in ({**fields, "category": "parking"}, {**fields, "value": "many"}, {k: v for k, v in fields.items() if k != "unit"}):
        with pytest.raises(pydantic.ValidationError):
            checked(Metric)(bad)
