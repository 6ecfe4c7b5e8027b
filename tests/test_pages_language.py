"""The pages in Chinese and in English (issue 14 item 4): every marked string
has its Chinese and no Chinese entry is left over, every page renders in both
languages, the language follows the `lang` cookie, else Accept-Language, the
header's switch returns to a local path only, and a refusal shows its rule's
line from DOMAIN.md in the reader's language."""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import uuid
from pathlib import Path

import pytest
from fastapi import APIRouter
from jinja2 import Environment, nodes
from markupsafe import escape

from api.pages.language import CHINESE, RULE_WORDS, SCRIPT_TEXT, SCRIPT_TEXTS, preferred
from api.pages.rendering import PageRoute
from api.pages.step_forms import forms_for_role
from ledger.errors import RuleViolation
from ledger.transparency import record_checkpoint
from tests.http_support import http_client
from tests.test_pages import log_in
from tests.world import World

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "api" / "pages"
DOMAIN = ROOT.parent / "shared" / "DOMAIN.md"


def marked_strings() -> set[str]:
    """Every literal `_("...")` in the templates and the pages' modules."""
    found = set()
    for path in sorted((PAGES / "templates").glob("*.html")):
        for call in Environment().parse(path.read_text(encoding="utf-8")).find_all(nodes.Call):
            if isinstance(call.node, nodes.Name) and call.node.name == "_" and call.args:
                if isinstance(call.args[0], nodes.Const):  # else a marked value shown (a role, a search's kind)
                    found.add(call.args[0].value)
    for path in sorted(PAGES.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_" and node.args:
                if isinstance(node.args[0], ast.Constant):
                    found.add(node.args[0].value)
    for path in sorted((PAGES / "static").glob("*.js")):
        found.update(SCRIPT_TEXT.findall(path.read_text(encoding="utf-8")))
    return found | step_form_texts()


ROLES = ("bureau", "institution", "assessor", "platform", "finance", "trainee", "inspector")


def step_form_texts() -> set[str]:
    """What the forms made from the steps show (api/pages/step_forms.py): each
    step's name and summary, the id it asks for, each field's label, hint and options."""
    found = set()
    for role in ROLES:
        for form in forms_for_role(role):
            found.update({form.step_name, form.description} | ({form.target_label} if form.target_param else set()))
            for field in form.fields:
                found.update({field.label, *field.options} | ({field.description} if field.description else set()))
    return found


def test_every_marked_string_has_its_chinese_and_no_chinese_entry_is_unused() -> None:
    marked = marked_strings()
    assert len(marked) > 100
    assert sorted(marked - set(CHINESE)) == []
    assert sorted(set(CHINESE) - marked) == []
    for english, chinese in CHINESE.items():
        assert chinese.strip() and chinese != english, english
        places = sorted(part.split("}")[0] for part in english.split("{")[1:])
        assert places == sorted(part.split("}")[0] for part in chinese.split("{")[1:]), english


def test_accept_language_picks_the_first_of_chinese_or_english() -> None:
    assert preferred("zh-CN,zh;q=0.9,en;q=0.8") == "zh"
    assert preferred("zh") == "zh" and preferred("zh-TW") == "zh" and preferred("ZH-hans-CN") == "zh"
    assert preferred("en-US,en;q=0.9") == "en"
    assert preferred("fr-FR, zh;q=0.5") == "zh"  # French is not offered; Chinese is the first offered
    assert preferred("en;q=0.5, zh-CN;q=0.8") == "zh"
    assert preferred("zh;q=0, en") == "en"
    assert preferred("") == preferred("fr") == preferred("zh;q=nonsense") == "en"


@pytest.fixture
def inspector_http(world: World):
    paid = world.paid_voucher()
    record_checkpoint(world.ledger)
    http = http_client(world)
    log_in(http, world.inspector)
    return http, paid


def pages_of(world: World, paid: uuid.UUID) -> list[str]:
    return ["/", f"/vouchers/{paid}", f"/institutions/{world.institution.actor}", "/search",
            f"/search?q={world.institution.actor}", "/draw", "/draw?of=vouchers", "/draw?checkpoint=999999",
            f"/vouchers/{uuid.uuid4()}", "/vouchers/not-an-id", "/login"]


def english_sentences() -> list[str]:
    """Catalogue entries long enough that finding one on a Chinese page means it was left in English."""
    return [str(escape(english)) for english in CHINESE if " " in english and "{" not in english and len(english) > 12]


def test_every_page_renders_in_chinese_with_no_english_sentence_left(world: World, inspector_http) -> None:
    http, paid = inspector_http
    http.cookies.set("lang", "zh")
    sentences = english_sentences()
    for path in pages_of(world, paid):
        page = http.get(path)
        assert page.status_code in (200, 404), path
        assert '<html lang="zh-CN">' in page.text and "账本" in page.text, path
        shown = re.sub(r'<script type="application/json" id="page-words">.*?</script>', "", page.text, flags=re.S)
        assert [sentence for sentence in sentences if sentence in shown] == [], path
    words = json.loads(re.search(r'id="page-words">(.*?)</script>', page.text, re.S).group(1))
    assert words["✓ in tree"] == "✓ 在树中" and len(words) == len(SCRIPT_TEXTS)
    searched = http.post("/search", data={"q": "no such thing"})
    assert "检索方式： 文本" in searched.text and "没有您有权查看的匹配培训券。" in searched.text


def test_every_page_renders_in_english_by_default(world: World, inspector_http) -> None:
    http, paid = inspector_http
    for path in pages_of(world, paid):
        page = http.get(path)
        assert page.status_code in (200, 404), path
        assert '<html lang="en">' in page.text and "Ledger" in page.text, path
        assert "账本" not in page.text and "培训券" not in page.text, path
        assert 'id="page-words"' not in page.text, path


def test_accept_language_zh_cn_gives_chinese_and_the_cookie_overrides_it(world: World, inspector_http) -> None:
    http, paid = inspector_http
    chinese = http.get(f"/vouchers/{paid}", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
    assert '<html lang="zh-CN">' in chinese.text and "全程记录" in chinese.text
    assert '<strong lang="zh">中文</strong>' in chinese.text
    http.cookies.set("lang", "en")
    english = http.get(f"/vouchers/{paid}", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert '<html lang="en">' in english.text and "Timeline" in english.text
    http.cookies.set("lang", "klingon")  # not a language of the pages: the browser's choice stands
    assert '<html lang="zh-CN">' in http.get("/", headers={"Accept-Language": "zh-CN"}).text


def test_the_switch_sets_a_years_lax_cookie_and_comes_back_to_the_page(world: World, inspector_http) -> None:
    http, paid = inspector_http
    page = http.get(f"/vouchers/{paid}?x=1")
    assert f'href="/language/zh?next=/vouchers/{paid}%3Fx%3D1"' in page.text
    switched = http.get(f"/language/zh?next=/vouchers/{paid}%3Fx%3D1", follow_redirects=False)
    assert switched.status_code == 303 and switched.headers["location"] == f"/vouchers/{paid}?x=1"
    cookie = switched.headers["set-cookie"].lower()
    assert cookie.startswith("lang=zh;") and "max-age=31536000" in cookie and "path=/" in cookie
    assert "samesite=lax" in cookie
    assert '<html lang="zh-CN">' in http.get(f"/vouchers/{paid}").text
    assert http.get("/language/fr", follow_redirects=False).status_code == 404


@pytest.mark.parametrize("target", ["//evil.example", "/%09/evil.example", "https://evil.example/",
                                    "/\\evil.example", "%2F%2Fevil.example", "javascript:alert(1)"])
def test_the_switch_goes_back_to_a_local_path_only(world: World, target: str) -> None:
    switched = http_client(world).get(f"/language/en?next={target}", follow_redirects=False)
    assert switched.status_code == 303 and switched.headers["location"] == "/"


def test_a_refused_searchs_switch_does_not_carry_the_national_id(world: World, inspector_http) -> None:
    """L10: the switch's way back keeps a refusal's path, never its query."""
    http, _paid = inspector_http
    national_id = world.person()["national_id"]
    refused = http.get(f"/search?q={national_id}")
    assert refused.status_code == 400 and national_id not in refused.text
    assert 'href="/language/zh?next=/search"' in refused.text


def test_a_ledger_refusal_shows_its_rules_line_in_the_readers_language(world: World) -> None:
    router = APIRouter(route_class=PageRoute)

    @router.get("/refused-for-the-test")
    def refused() -> None:
        raise RuleViolation("online hours over the cap", rule="L1")

    http = http_client(world)
    http.app.include_router(router)
    english = http.get("/refused-for-the-test")
    assert english.status_code == 400 and "L1: online hours over the cap" in english.text
    assert str(escape(RULE_WORDS["L1"]["en"])) in english.text
    chinese = http.get("/refused-for-the-test", headers={"Accept-Language": "zh-CN"})
    assert "L1: online hours over the cap" in chinese.text  # the ledger's refusal, as the ledger wrote it
    assert "线下完成全部实操课时培训" in chinese.text and "已拒绝" in chinese.text


def test_a_pages_own_refusal_is_in_the_readers_language(world: World, inspector_http) -> None:
    http, _paid = inspector_http
    missing = uuid.uuid4()
    assert f"voucher {missing} does not exist" in http.get(f"/vouchers/{missing}").text
    chinese = http.get(f"/vouchers/{missing}", headers={"Accept-Language": "zh"})
    assert f"培训券 {missing} 不存在" in chinese.text and "未找到" in chinese.text
    assert http.get(f"/vouchers/{missing}/proofs.json?tree_size=1", headers={"Accept-Language": "zh"}
                    ).json()["detail"] == f"培训券 {missing} 不存在"


@pytest.mark.skipif(not DOMAIN.is_file(), reason="the house docs (../shared) are not beside this clone")
def test_rule_words_json_matches_domain_md() -> None:
    spec = importlib.util.spec_from_file_location("rule_words_script", ROOT / "scripts" / "rule-words.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    expected = script.rule_words(DOMAIN.read_text(encoding="utf-8"))
    assert json.loads((PAGES / "rule_words.json").read_text(encoding="utf-8")) == expected, \
        "run: python scripts/rule-words.py"
    assert expected["L11"]["zh"] == "双随机、一公开" and expected["H6"]["zh"] == ""


def test_a_refusal_names_the_viewers_role_and_the_verification_in_the_readers_language(world: World) -> None:
    from api.pages.verification import record_verification
    from tests.test_pages import second_institution

    paid = world.paid_voucher()
    other = http_client(world)
    log_in(other, second_institution(world))
    other.cookies.set("lang", "zh")
    refused = other.get(f"/vouchers/{paid}")
    assert refused.status_code == 403 and "培训机构 " in refused.text and f"无权查看培训券 {paid}" in refused.text
    record_verification(world.ledger.engine, {"first_problem": None, "events_checked": 42, "checkpoints_checked": 1})
    assert "完好：已核验 42 个事件和 1 个检查点" in other.get("/").text
    record_verification(world.ledger.engine, {"first_problem": "event #7: its hash does not match", "events_checked": 6})
    assert "不完好：event #7: its hash does not match" in other.get("/").text


@pytest.fixture
def busy_world(world: World) -> dict[str, uuid.UUID]:
    """Something in every role's queue: a voucher to claim, a filing to decide, a voucher
    in training, a certified one to redeem, a cleared one to pay."""
    world.issue(world.trainee())
    world.do(world.institution, "file_class", uuid.uuid4(), world.filing_body())
    enrolled, _trainee = world.enrolled_voucher()
    world.certified_voucher()
    world.cleared_voucher()
    return {"enrolled": enrolled}


def work_pages(world: World, busy: dict[str, uuid.UUID]) -> list[tuple[object, str]]:
    """Every role's Work page (the inspector's is the no-role page) and the import page."""
    trainee = world.trainee()
    world.issue(trainee)
    return [(world.bureau, "/work"), (world.institution, "/work"), (world.assessor, "/work"),
            (world.assessor, f"/work?voucher={busy['enrolled']}"), (world.platform, "/work"),
            (world.finance, "/work"), (trainee, "/work"), (world.inspector, "/work"),
            (world.bureau, "/import"), (world.platform, "/import"), (world.assessor, "/import"),
            (world.finance, "/import"), (world.bureau, "/"), (world.institution, f"/institutions/{world.institution.actor}")]


def test_every_work_page_and_the_import_page_render_in_chinese_with_no_english_sentence_left(
        world: World, busy_world: dict[str, uuid.UUID]) -> None:
    sentences = english_sentences()
    for key, path in work_pages(world, busy_world):
        http = http_client(world)
        log_in(http, key)
        http.cookies.set("lang", "zh")
        page = http.get(path)
        assert page.status_code == 200, (key.role, path, page.text[-500:])
        assert '<html lang="zh-CN">' in page.text, (key.role, path)
        shown = re.sub(r'<script type="application/json" id="(page-words|rule-lines)">.*?</script>', "", page.text,
                       flags=re.S)
        left = [sentence for sentence in sentences if sentence in shown]
        assert left == [], (key.role, path, left)
        words = json.loads(re.search(r'id="page-words">(.*?)</script>', page.text, re.S).group(1))
        assert len(words) == len(SCRIPT_TEXTS), path
        if path.startswith(("/work", "/import")):
            lines = json.loads(re.search(r'id="rule-lines">(.*?)</script>', page.text, re.S).group(1))
            assert lines["L11"] == "双随机、一公开" and lines["H6"] == RULE_WORDS["H6"]["en"], path


def test_the_work_pages_speak_chinese_in_their_own_words(world: World, busy_world: dict[str, uuid.UUID]) -> None:
    expected = {world.bureau: ["发放培训券", "待审批的开班备案", "签名同意备案", "登记参与方", "统一社会信用代码"],
                world.institution: ["受理选择本机构的劳动者", "已取证、待申请兑现的培训券", "开班备案", "照片"],
                world.finance: ["待拨付款项", "付款清单（CSV）", "余额"],
                world.platform: ["在本平台学习的培训券", "登记线上学习", "人脸识别通过次数"],
                world.inspector: ["在这里没有待办事项", "监管方"]}
    for key, phrases in expected.items():
        http = http_client(world)
        log_in(http, key)
        page = http.get("/work", headers={"Accept-Language": "zh-CN"}).text
        assert [phrase for phrase in phrases if phrase not in page] == [], key.role
        assert "我的工作台" in page and 'id="nav-work">工作台</a>' in page
        english = http.get("/work", headers={"Accept-Language": "en"}).text
        assert "Your work" in english and "我的工作台" not in english and 'id="page-words"' not in english


def test_the_pages_own_refusals_on_the_work_and_import_pages_are_in_the_readers_language(world: World) -> None:
    http = http_client(world)
    log_in(http, world.assessor)
    missing = uuid.uuid4()
    refused = http.get(f"/work?voucher={missing}", headers={"Accept-Language": "zh"})
    assert refused.status_code == 404 and f"培训券 {missing} 不存在" in refused.text
    assert "不是培训券编号" in http.get("/work?voucher=nonsense", headers={"Accept-Language": "zh"}).text
    quote = http.get("/work/quote.json", headers={"Accept-Language": "zh"})
    assert quote.status_code == 403 and quote.json()["detail"] == "只有人社局发券，因此只有人社局可以试算发券补贴"
    log_in(http, world.bureau)
    level = http.get("/work/quote.json?occupation=6-31-01-03&level=9", headers={"Accept-Language": "zh"})
    assert level.status_code == 400 and level.json()["detail"] == "等级须为 1 至 5 的整数"
    log_in(http, world.finance)
    wrong = http.get("/import/roster/template.pdf", headers={"Accept-Language": "zh"})
    assert wrong.status_code == 404 and "没有模板 roster.pdf" in wrong.text
    kind = http.post("/import/roster/plan.json?file=a.csv", content=b"x", headers={"Accept-Language": "zh"})
    assert kind.status_code == 403 and "花名册文件须用人社局的密钥导入；您的角色是财政局" in kind.json()["detail"]
