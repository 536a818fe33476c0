"""The researchers' interface: compare options, export, report, busy database."""
import csv
import io
import json
import re
import subprocess
import sys
import time
from html.parser import HTMLParser

import duckdb
import pytest
from click.testing import CliRunner

from pipeline.cli import cli

from .conftest import CORPUS, ROOT


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("rdb") / "p.duckdb"
    assert run("ingest", CORPUS, "--db", path, "--workers", 1, "--quiet").exit_code == 0
    return path


# Worked out by hand from the corpus articles: violations (起) per county and year, breakdowns
# (其中 …) left out, dated by the activity's start or else the publication date.
HAND_VIOLATIONS = [
    ("2007", "130825", "隆化县", 412, 1),     # 其中超载货车186辆 is a breakdown, in vehicles
    ("2008", "130826", "丰宁满族自治县", 4862, 1),  # 其中 1240 + 86 + 153 are a breakdown; 丰宁县 is its short name
    ("2009", "320381", "新沂市", 56000, 1),   # 5.6万余起 in a year's 严打 summary
    ("2009", "411423", "宁陵县", 1268, 2),   # written in full-width digits; 其中超载210起、无证驾驶86起 are a breakdown
    ("2012", "340828", "岳西县", 23000, 1),  # 二万三千余起 in Chinese numerals, a year's 严打 under 一是/二是/三是
    ("2014", "360481", "瑞昌市", 2400, 1),   # 劝导纠正农村交通违法行为2400余起 at rural posts
    ("2014", "410622", "淇县", 326, 2),       # 9 + 4 + 187 + 126 after 其中 are a breakdown
    ("2015", "331181", "龙泉市", 640, 1),
    ("2018", "430426", "祁东县", 8, 1),       # 6 + 2 in a 元旦 campaign from 2018年12月30日 to 2019年1月1日: dated by its start
    ("2019", "433101", "吉首市", 683, 1),   # traditional characters with reading aids (行為(wéi)683起); 其中 17 + 5 a breakdown
    ("2019", "430682", "临湘市", 73, 2),     # the page's 上一篇/相关新闻 headlines (…1.2万起) are no tally
    ("2019", "350582", "晋江市", 26, 3),     # 9 + 17
    ("2019", "431022", "宜章县", 19, 4),
    ("2020", "430821", "慈利县", 46000, 1),  # 2019's year in figures (一是…四是…), published 2020-01-08: dated by publication
    ("2020", "451221", "南丹县", 3800, 2),   # 劝导纠正交通违法行为3800余起 at rural posts; 其中不戴头盔2600余起 a breakdown
    ("2020", "431225", "会同县", 615, 3),     # 包括酒后驾驶14起、醉酒驾驶3起、无证驾驶21起 are a breakdown
    ("2020", "411330", "桐柏县", 110, 4),     # 87 + 23 in a 三超一疲劳 campaign; 15家物流企业 gone into for a check are inspections
    ("2020", "420683", "枣阳市", 101, 5),     # 12 + 3 + 86 in one night's check (no 其中: all totals)
    ("2021", "110105", "朝阳区", 16000, 1),  # 1.6万起; 其中酒驾醉驾43起 is a breakdown
    ("2021", "431322", "新化县", 6830, 2),   # 其中 82 + 19 + 146 a breakdown; 同比增加1260起 a change; 人均…85起 a rate
    ("2021", "431126", "宁远县", 3840, 3),   # 3260 + 580 helmet and seat-belt violations
    ("2021", "360323", "芦溪县", 1645, 4),   # 1260 + 385 in a 一盔一带 campaign; 教育劝导群众 are people educated
    ("2021", "520382", "仁怀市", 1346, 5),   # 其中酒后驾驶38起、醉酒驾驶9起,无证驾驶17起 are a breakdown; 每周…不少于2次 is a plan
    ("2021", "341622", "蒙城县", 1036, 6),  # the headline's 超千起 restates the body's 1036起; 21 + 58 + 630 after 其中 a breakdown
    ("2021", "430424", "衡东县", 860, 7),    # a CRLF text with a byte-order mark; 劝导纠正…违法行为860余起
    ("2021", "330483", "桐乡市", 260, 8),     # 其中醉驾62起 is a breakdown
    ("2021", "520330", "习水县", 13, 9),
    ("2022", "361124", "铅山县", 69360, 1),  # a traffic year: 6.8万 + 1360 (“三超一疲劳”); 其中酒驾醉驾612起 a breakdown
    ("2022", "130929", "献县", 3988, 2),       # 3126 + 862 helmet and seat-belt violations; 去年同期为1980起 is last year's
    ("2022", "430212", "渌口区", 2396, 3),   # 96 + 2300; 饮酒驾驶81起, 醉酒驾驶15起 are a breakdown
    ("2022", "520381", "赤水市", 860, 4),    # a 春节 holiday's figures; 其中酒驾醉驾38起 a breakdown
    ("2022", "230183", "尚志市", 560, 5),    # 其中客车超员19起、货车超载33起 are a breakdown
    ("2022", "431321", "双峰县", 214, 6),    # 其中非法改装排气管38起 is a breakdown
    ("2022", "450102", "兴宁区", 168, 7),    # 84 + 11 + 32 + 41: 分别为 is not an explicit breakdown
    ("2022", "510117", "郫都区", 156, 8),    # 醉酒驾驶32起 is a breakdown
    ("2022", "330122", "桐庐县", 37, 9),     # noise disturbances talked down (劝导…扰民行为37起)
    ("2022", "350181", "福清市", 37, 9),     # ties with 桐庐: same rank; 其中醉驾8起 is a breakdown
    ("2022", "430223", "攸县", 24, 11),       # 酒驾、醉驾、无证驾驶分别为12起、3起、9起
    ("2022", "530581", "腾冲市", 14, 12),     # 查处野外违规用火行为14起 in a forest-fire inspection campaign
    ("2023", "330382", "乐清市", 326000, 1),  # a year's figures published in January: dated by publication
    ("2023", "130283", "迁安市", 15600, 2),  # 1.2万余 + 3600余 helmet and seat-belt violations
    ("2023", "510183", "邛崃市", 12000, 3),  # 逾1.2万起 (a hedge before the number); 其中…186起、…93起 a breakdown
    ("2023", "433122", "泸溪县", 5260, 4),   # 其中酒驾醉驾68起 is a breakdown; accidents that happened are no tally
    ("2023", "411681", "项城市", 3260, 5),   # 其中违停1480起 is a breakdown; 记分2360分 is no count of violations
    ("2023", "360704", "赣县区", 3260, 5),   # ties with 项城: 查纠不戴安全头盔、不系安全带等违法行为 in a .jsonl line; 曝光典型案例15起 are other
    ("2023", "451102", "八步区", 2783, 7),   # 2365 + 418 helmet and seat-belt violations
    ("2023", "330881", "江山市", 1860, 8),   # 其中酒后驾驶21起、醉酒驾驶6起、超员载客14起 are a breakdown
    ("2023", "340881", "桐城市", 1200, 9),   # 23+6+41+87 are a breakdown
    ("2023", "500101", "万州区", 900, 10),    # 680 + 220余 (劝导…违法载人220余起 are violations)
    ("2023", "430482", "常宁市", 523, 11),   # (其中酒驾12起、醉驾3起、摩托车不戴头盔286起) is a breakdown in brackets
    ("2023", "430581", "武冈市", 420, 12),    # a 中秋国庆双节 duty; 每日投入警力300余人次 is a day's deployment
    ("2023", "520328", "湄潭县", 128, 13),   # 其中醉驾21起 is a breakdown
    ("2023", "330726", "浦江县", 86, 14),    # its page date stands under the text (发布日期:2023年09月12日); 其中…52起 a breakdown
    ("2023", "430624", "湘阴县", 73, 15),
    ("2023", "320723", "灌云县", 68, 16),    # a WeChat post's ✅ bullets; 其中醉驾15起 is a breakdown
    ("2023", "430726", "石门县", 59, 17),    # a GBK file; 12 + 47: 查处…其他违法行为47起 after 其中醉酒驾驶3起 is a total of its own
    ("2023", "341221", "临泉县", 41, 18),    # a WeChat post's 👉 bullets in a 夏夜治安巡查 week
    ("2023", "431081", "资兴市", 41, 18),    # ties with 临泉: a GBK file, 查处超速、疲劳驾驶等交通违法行为41起 in a vehicle check
    ("2023", "532822", "勐海县", 23, 20),    # 查处酒驾醉驾违法行为23起 in a 泼水节 duty
    ("2023", "320117", "溧水区", 13, 21),     # 9 + 4 in a 夏夜治安巡查 night
    ("2024", "421181", "麻城市", 89000, 1),   # a year's review: 6.8万 + 2.1万 (其中酒驾醉驾1260起 a breakdown), undated: the publication year
    ("2024", "410882", "沁阳市", 58000, 2),  # 2023's figures published on 2024-01-05; 其中酒驾醉驾612起 is a breakdown
    ("2024", "429004", "仙桃市", 29200, 3),   # 2.6万 helmet + 3200余 seat-belt violations in a “一盔一带” campaign (劝导教育群众 are people educated)
    ("2024", "341322", "萧县", 12036, 4),     # the headline's 1.2万起 rounds the body's 12036起: counted once; 其中 126 + 86 a breakdown
    ("2024", "360733", "会昌县", 3860, 5),   # a quarter's figures with no campaign: the publication year; 较去年同期增加36起 is a change, 发生…事故18起 no police work
    ("2024", "430623", "华容县", 2860, 6),   # 较2022年的2130起 is last year's figure; 其中醉驾412起 a breakdown
    ("2024", "620522", "秦安县", 2143, 7),   # written as a label and its figure (查处各类交通违法:2143起); (其中…86起) a breakdown
    ("2024", "430181", "浏阳市", 1606, 8),   # 2023's year in figures: 酒驾、醉驾分别为1320起、286起
    ("2024", "150783", "扎兰屯市", 1460, 9),  # a winter campaign; 其中酒后驾驶18起、醉酒驾驶6起、无证驾驶23起 a breakdown
    ("2024", "350524", "安溪县", 1376, 10),   # 其中酒后驾驶42起、醉酒驾驶9起 are a breakdown
    ("2024", "350622", "云霄县", 1362, 11),   # a .jsonl line; 其中酒后驾驶39起、醉酒驾驶11起 are a breakdown
    ("2024", "410328", "洛宁县", 786, 12),   # 2023's year in figures; 较去年增加102起 is a change, no tally
    ("2024", "230113", "双城区", 470, 13),   # an undated campaign: the publication year
    ("2024", "360781", "瑞金市", 380, 15),    # 劝导交通违法行为380余起 at school-gate posts
    ("2024", "420583", "枝江市", 326, 16),    # 春运 duty; 其中客车超员12起 a breakdown; 劝返…车辆45辆 people turned back
    ("2024", "140581", "高平市", 210, 17),    # a crawler's .jsonl line with no id; 劝导交通违法行为210起 at school-gate posts
    ("2024", "654301", "阿勒泰市", 86, 18),   # 劝导纠正…交通违法行为86起 during a winter publicity (宣传期间)
    ("2024", "430281", "醴陵市", 59, 19),     # 48 + 11, each written as a bulleted label and its figure (■ 查处酒后驾驶:48起)
    ("2024", "320981", "东台市", 53, 20),
    ("2024", "431026", "汝城县", 444, 14),    # 32 (劝导纠正不戴头盔行为 in a traffic talk) + 412 in a winter campaign, 其中 17 + 4 + 23 a breakdown
    ("2024", "330522", "长兴县", 31, 21),    # 查处酒驾醉驾违法行为31起 in a 五一 holiday (5月1日-5月5日)
    ("2024", "411381", "邓州市", 29, 22),    # 酒驾、醉驾分别为23起、6起
    ("2024", "310115", "浦东新区", 23, 23),   # 查处违规燃放行为23起 in a joint inspection
    ("2024", "430528", "新宁县", 23, 23),     # ties with 浦东: 查处违规燃放烟花爆竹行为23起 in a 春节安保
    ("2024", "530602", "昭阳区", 9, 25),     # 查处治安违法行为9起 on four nights of patrols (ranks after the two tied at 23)
    ("2024", "513228", "黑水县", 5, 26),     # 查处违规野外用火行为5起 in a forest fire check started 3月以来: the publication year
    ("2025", "371726", "鄄城县", 401, 1),    # 58 + 24 + 319 in a rural road campaign
    ("2025", "411121", "舞阳县", 170, 2),
]


def test_compare_equals_the_hand_computed_table(db):
    r = run("compare", "--db", db, "--category", "violations", "--by", "county", "--period", "year", "--format", "json")
    got = sorted((d["period"], d["adcode"], d["region"], d["total"], d["rank"]) for d in json.loads(r.output) if d["unit"] == "起")
    assert got == sorted(HAND_VIOLATIONS)


def test_compare_filters_periods_and_population(db, tmp_path):
    r = run("compare", "--db", db, "--category", "violations", "--region", "湖南", "--format", "json")
    assert {d["adcode"] for d in json.loads(r.output)} == {"430212", "431022", "430624", "431225", "431321", "430682", "433122", "430424", "430223", "431026", "431126", "430181", "430482", "431227", "430281", "433101", "430726", "430623", "430581", "431322", "430821", "430528", "431127", "430426", "431081"}
    r = run("compare", "--db", db, "--category", "violations", "--region", "43", "--format", "json")
    assert {d["adcode"] for d in json.loads(r.output)} == {"430212", "431022", "430624", "431225", "431321", "430682", "433122", "430424", "430223", "431026", "431126", "430181", "430482", "431227", "430281", "433101", "430726", "430623", "430581", "431322", "430821", "430528", "431127", "430426", "431081"}
    r = run("compare", "--db", db, "--category", "officers", "--from", "2022-01-01", "--to", "2022-12-31", "--period", "quarter", "--format", "json")
    data = json.loads(r.output)
    assert data and all(d["period"].startswith("2022-Q") for d in data)
    pop = tmp_path / "pop.csv"
    pop.write_text("adcode,population\n340881,640000\n", encoding="utf-8")
    r = run("compare", "--db", db, "--category", "violations", "--population", pop, "--format", "json")
    tong = next(d for d in json.loads(r.output) if d["adcode"] == "340881")
    assert tong["per_100k"] == round(1200 / 640000 * 100000, 3)
    r = run("compare", "--db", db, "--by", "city", "--category", "violations", "--format", "csv")
    assert "430200" in r.output and "430212" not in r.output
    out = tmp_path / "c.parquet"
    assert run("compare", "--db", db, "--format", "parquet", "--output", out).exit_code == 0
    assert duckdb.connect().execute(f"SELECT count(*) FROM '{out}'").fetchone()[0] > 20


def test_comparable_view_folds_units_and_keeps_people_apart(db):
    con = duckdb.connect(str(db), read_only=True)
    units = {u for (u,) in con.execute("SELECT DISTINCT unit FROM tallies_comparable").fetchall()}
    assert "名" not in units and "人" in units and "人次" in units
    pills = con.execute("SELECT value, unit, unit_as_written FROM tallies_comparable WHERE category = 'drugs_seized' AND unit <> '克' ORDER BY value").fetchall()
    assert pills == [(3000.0, "粒", "粒"), (4000.0, "粒", "粒"), (12000.0, "粒", "粒")]  # pills stay pills: no weight to fold them into
    grams = con.execute("SELECT value, unit, unit_as_written FROM tallies_comparable WHERE category = 'drugs_seized' AND unit = '克' ORDER BY value").fetchall()
    assert grams == [(3.2, "克", "克"), (12.5, "克", "克"), (12.6, "克", "克"), (126.5, "克", "克"), (135.6, "克", "克"), (386.5, "克", "克"), (1200.0, "克", "公斤"), (1260.0, "克", "千克"), (1300.0, "克", "公斤"), (1500.0, "克", "公斤"), (1800.0, "克", "公斤"), (2300.0, "克", "公斤"), (2600.0, "克", "公斤"), (2600.0, "克", "公斤"), (3200.0, "克", "公斤"), (8650.0, "克", "公斤"), (9300.0, "克", "公斤"), (12600.0, "克", "公斤"), (12600.0, "克", "公斤"), (12600.0, "克", "公斤"),
                     (23600.0, "克", "千克"), (27400.0, "克", "千克"), (36800.0, "克", "公斤"), (41300.0, "克", "公斤"), (46800.0, "克", "公斤"), (86400.0, "克", "公斤"), (98600.0, "克", "千克"), (126000.0, "克", "千克"), (312600.0, "克", "公斤"),
                     (328500.0, "克", "公斤"), (1200000.0, "克", "吨"), (1200000.0, "克", "吨"), (1300000.0, "克", "吨"), (1300000.0, "克", "吨")]  # 1.2公斤 … 1.3吨 folded into grams; 312.6公斤's, 8.65公斤's and 41.3公斤's 其中 parts left out
    assert con.execute("SELECT count(*) FROM tallies_comparable t JOIN tallies USING (doc_id, seq) WHERE tallies.breakdown").fetchone()[0] == 0
    con.close()


def test_export_csv_and_partitioned_parquet(db, tmp_path):
    r = run("export", "--db", db, "--format", "parquet", "--out", tmp_path / "pq")
    assert r.exit_code == 0
    con = duckdb.connect()
    rows = con.execute(f"SELECT province, year, sum(value) FROM read_parquet('{tmp_path}/pq/tallies_comparable/*/*/*.parquet', hive_partitioning=true) "
                       "WHERE category = 'violations' AND province = '安徽省' GROUP BY ALL ORDER BY year").fetchall()
    assert rows == [("安徽省", 2012, 23000.0), ("安徽省", 2021, 1036.0), ("安徽省", 2023, 1241.0), ("安徽省", 2024, 12036.0)]  # 2012: 岳西; 2023: 桐城 1200 + 临泉 41
    r = run("export", "--db", db, "--format", "csv", "--table", "tallies", "--out", tmp_path / "csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "csv" / "tallies.csv").read_text(encoding="utf-8"))))
    con = duckdb.connect(str(db), read_only=True)
    assert len(rows) == con.execute("SELECT count(*) FROM tallies").fetchone()[0]
    con.close()
    assert {"doc_id", "category", "value", "unit", "evidence", "rule", "province", "year"} <= set(rows[0])


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables, self.cls, self.cell, self.row = {}, None, None, None
        self.external = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.cls = a.get("class")
            self.tables[self.cls] = []
        elif tag == "tr" and self.cls:
            self.row = []
        elif tag == "td":
            self.cell = ""
        for k in ("src", "href"):
            if a.get(k) and not a[k].startswith("#"):
                self.external.append(a[k])

    def handle_endtag(self, tag):
        if tag == "td":
            self.row.append(self.cell)
            self.cell = None
        elif tag == "tr" and self.row:
            self.tables[self.cls].append(self.row)
            self.row = None
        elif tag == "table":
            self.cls = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def test_report_is_self_contained_and_its_numbers_equal_the_database(db, tmp_path):
    out = tmp_path / "r.html"
    assert run("report", "--db", db, "--out", out).exit_code == 0
    page = out.read_text(encoding="utf-8")
    p = _Tables()
    p.feed(page)
    assert p.external == [] and "<script" not in page and "http" not in page.split("</style>")[1]
    assert page.count("<svg") >= 10
    con = duckdb.connect(str(db), read_only=True)
    by_region = p.tables["by-region violations"]
    want = con.execute("SELECT coalesce(county, city, province, '全国'), sum(value), coalesce(adcode, '') FROM tallies_comparable "
                       "WHERE category = 'violations' AND unit = '起' GROUP BY ALL ORDER BY 2 DESC, 3").fetchall()
    assert len(want) > 15 and f"By region (the 15 largest of {len(want)})" in page  # the page says when it shows the largest only
    assert [(r[0], float(r[2].replace(",", ""))) for r in by_region] == [(n, v) for n, v, _ in want[:15]]
    by_year = p.tables["by-year officers"]
    want = dict(con.execute("SELECT coalesce(CAST(year(date) AS VARCHAR), 'undated'), sum(value) FROM tallies_comparable WHERE category = 'officers' AND unit = '人次' GROUP BY ALL").fetchall())
    assert {r[0]: float(r[1].replace(",", "")) for r in by_year} == want
    con.close()


def test_query_and_compare_say_busy_while_an_ingest_writes(db, tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb,time; c=duckdb.connect({str(db)!r}); print('ok', flush=True); time.sleep(20)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        t = time.time()
        r = run("query", "SELECT 1", "--db", db)
        assert r.exit_code == 1 and "busy" in r.output and time.time() - t < 12
    finally:
        holder.kill()
        holder.wait()
    assert run("query", "SELECT count(*) FROM articles", "--db", db).exit_code == 0


def test_readme_example_queries_run(db):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    queries = [q for q in re.findall(r'pressmetrics query "([^"]+)"', readme) if q != "SQL"]
    assert queries
    for q in queries:
        r = run("query", q, "--db", db, "--format", "json")
        assert r.exit_code == 0, (q, r.output)
