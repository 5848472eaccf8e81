"""The closed loop (闭环管理), walked in a browser by the people who do it, at phone width in
zh-Hans: checkpoint → hand-off → visit → home observation → fever → fever clinic →
suspected case → confirmed → close contacts → assistance letter → daily reports (one of
them a zero report) → the HQ's bulletin → the public page.

Each step is done through the pages by the role that does it, and checks what the next
person sees. The world is built here (two districts with every role, core/testing.py), not
taken from a demo database.

Time: a bulletin speaks of a whole day and is published once the day is over, and a day's
reports are due the next morning. So once the contacts are traced, the server's clock
(``django.utils.timezone.now``, which the live server's thread shares with the test) moves
on to 08:30 the next morning; the units report and the HQ publishes then. Everything before
happens at the real time, on the real day.
"""

from __future__ import annotations

import time as wallclock
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fangkong.accounts.models import User
from fangkong.bulletin import services as bulletin_services
from fangkong.cases import services as case_services
from fangkong.checkpoints import services as checkpoint_services
from fangkong.core.roles import Role
from fangkong.core.testing import PASSWORD, build_world, make_user
from fangkong.people import policy_services
from fangkong.people import services as people_services
from fangkong.people.testing import resident_id
from fangkong.reports import services as report_services
from fangkong.reports.defaults import ensure_defaults
from tests.e2e.conftest import SKIP_WITHOUT_CHROMIUM, Browser, text_of

pytestmark = [
    pytest.mark.e2e,
    SKIP_WITHOUT_CHROMIUM,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flush_past_the_audit_trigger"),
]

# The people of the story. None of it may ever reach a public page.
TRAVELLER = "张伟"
TRAVELLER_ID = resident_id(region="420102", born=date(1985, 3, 7), seq=501)
TRAVELLER_PHONE = "13971234567"
PLATE = "鄂A12345"
ADDRESS = "翰林苑3号楼2单元101"
WIFE = "李娜"
WIFE_ID = resident_id(region="420102", born=date(1987, 6, 12), seq=502)
WIFE_PHONE = "13971234568"
COLLEAGUE = "王强"
COLLEAGUE_ID = resident_id(region="420103", born=date(1990, 1, 20), seq=503)
COLLEAGUE_PHONE = "13971234569"
EARLIER_CASE = "赵敏"
EARLIER_ID = resident_id(region="370102", born=date(1970, 5, 5), seq=504)
PERSONAL = [
    TRAVELLER, TRAVELLER_ID, f"{TRAVELLER_ID[:4]}**********{TRAVELLER_ID[-4:]}",
    TRAVELLER_PHONE, PLATE, ADDRESS, WIFE, WIFE_ID, WIFE_PHONE, COLLEAGUE, COLLEAGUE_ID,
    COLLEAGUE_PHONE, EARLIER_CASE, EARLIER_ID,
]  # fmt: skip
# The staff, by the names their colleagues know them by: not on a public page either.
STAFF = {
    "a_checkpoint": "孙卡口",
    "a_grid_worker_local": "刘网格",
    "a_grid2_worker": "马网格",
    "a_community_officer": "陈社区",
    "a_clinician": "周医生",
    "a_epidemiologist": "吴疾控",
    "a_commander": "郑指挥",
}
CHECKPOINT = "济青高速历下收费站"
WUHAN = "湖北省武汉市"
LETTER_TO = "湖北省武汉市江岸区"
AUTHORITY = "武汉市江岸区新冠肺炎疫情防控指挥部"
BULLETIN_NOTE = "请广大市民做好个人防护，出现发热症状及时就医。"


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _away_from_midnight() -> None:
    """Everything the walk records must fall on one local day (the reports count that day):
    a walk that would start in the last minutes of a day waits for the next one."""
    now = timezone.localtime()
    midnight = timezone.make_aware(datetime.combine(now.date() + timedelta(days=1), time.min))
    left = (midnight - now).total_seconds()
    if left < 300:
        wallclock.sleep(left + 1)


@dataclass
class Story:
    day: date  # the day of the walk; reported the next morning
    grid_code: str  # 第一网格 of 翰林社区, where the traveller is going


def build_story() -> Story:
    """The minimal world: two districts with every role (core.testing) and a grid worker for
    the second grid; a policy whose follow-ups are open around the clock (so that the walk
    works at any hour); a checkpoint; and what came before: a confirmed case three days ago,
    reported by the grids, and yesterday's bulletin, published."""
    _away_from_midnight()
    ensure_defaults()  # seeded by a migration, and emptied by every transactional test
    world = build_world()
    a = world.a
    make_user("a_grid2_worker", Role.GRID_WORKER, a.grid2)
    for username, name in STAFF.items():
        User.objects.filter(username=username).update(full_name=name)
    commander = User.objects.get(pk=a.commander.pk)
    today = timezone.localdate()
    policy_services.policy_add(
        actor=commander, unit=a.district, effective_from=today - timedelta(days=30),
        followup_times="00:00,12:00", note="演练：随访时段覆盖全天",
    )  # fmt: skip
    checkpoint_services.checkpoint_create(
        actor=commander, unit=a.street, name=CHECKPOINT, kind="highway"
    )
    earlier = today - timedelta(days=3)
    person = people_services.person_create(
        actor=commander, full_name=EARLIER_CASE, unit=a.grid2, id_type="resident",
        id_number=EARLIER_ID,
    )  # fmt: skip
    case_services.case_report(
        actor=User.objects.get(pk=a.epidemiologist.pk), person=person,
        classification="confirmed", diagnosed_at=_at(earlier, 9), reported_at=_at(earlier, 10),
        reporting_institution="历下区人民医院", onset_date=earlier - timedelta(days=2),
    )  # fmt: skip
    for grid in (a.grid, a.grid2):
        typed = {i.code: 5 for i in report_services.indicators_for(grid) if not i.computed}
        report_services.report_submit(
            actor=commander, unit=grid, day=earlier, now=_at(earlier + timedelta(days=1), 9),
            values=typed,
        )  # fmt: skip
    draft = bulletin_services.bulletin_generate(
        actor=commander, unit=a.district, day=today - timedelta(days=1), language="zh-hans"
    )
    bulletin_services.bulletin_publish(actor=commander, bulletin=draft)
    return Story(day=today, grid_code=a.grid.code)


class Clock:
    """The server's clock: the real one, moved on when the story says so."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.offset = timedelta(0)
        self._real = real = timezone.now
        monkeypatch.setattr(timezone, "now", lambda: real() + self.offset)

    def next_morning(self, day: date) -> None:
        morning = timezone.make_aware(datetime.combine(day + timedelta(days=1), time(8, 30)))
        self.offset = morning - self._real()


@pytest.fixture
def story(live_server: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Story, Clock]]:
    clock = Clock(monkeypatch)
    yield build_story(), clock


# --- what a user reads ------------------------------------------------------------------


def said(page: Any) -> Any:
    """The message a page opens with after an action."""
    return page.locator(".messages .alert-success")


def badge(page: Any) -> Any:
    """The state shown beside a page's heading."""
    return page.locator(".page-head .badge")


def figures(scope: Any) -> dict[str, str]:
    """The label → figure pairs of the definition lists in ``scope``."""
    pairs = scope.locator("dl dt").evaluate_all(
        "dts => dts.map(dt => [dt.innerText.trim(), dt.nextElementSibling.innerText.trim()])"
    )
    return dict(pairs)


def cards(page: Any) -> dict[str, str]:
    """The big numbers of the public bulletin, by their label."""
    pairs = page.locator(".bulletin .card-body:has(.display-6)").evaluate_all(
        "cs => cs.map(c => [c.querySelector('.small').innerText.trim(),"
        " c.querySelector('.display-6').innerText.trim()])"
    )
    return dict(pairs)


def type_figures(page: Any, **known: str) -> None:
    """Fill in the figures a unit types into its daily report: ``known`` by indicator code,
    every other one (the data set is editable) as 0."""
    fields = page.locator("main form input[type=number][name^='v-']")
    for name in fields.evaluate_all("fs => fs.map(f => f.name)"):
        page.fill(f"input[name='{name}']", known.get(name.removeprefix("v-"), "0"))


def form_with(page: Any, action: str) -> Any:
    """One of the forms of a page with several, by the action it posts."""
    return page.locator("form", has=page.locator(f"input[name=action][value={action}]"))


@dataclass
class Walk:
    b: Browser
    story: Story
    phones: dict[str, Any] = field(default_factory=dict)

    def phone_of(self, username: str) -> Any:
        """The user's phone, logged in (once; their session lasts the working day)."""
        if username not in self.phones:
            self.phones[username] = self.b.login(username, PASSWORD)
        return self.phones[username]

    def night(self) -> None:
        """Everyone goes home; the next morning they log in again."""
        for page in self.phones.values():
            self.b.done(page)
        self.phones.clear()

    def public_bulletin(self, check: Callable[[Any], None]) -> dict[str, str]:
        """A resident opens the public bulletin (no login) on a phone of their own."""
        page = self.b.phone()
        self.b.goto(page, "/bulletin/")
        check(page)
        content = page.content()
        for secret in PERSONAL:
            assert secret not in content, f"the public bulletin shows {secret!r}"
        for name in STAFF.values():
            assert name not in content, f"the public bulletin names {name!r}"
        got = cards(page) | figures(page.locator("section", has=page.locator("#all-figures")))
        self.b.done(page)
        return got


# --- the steps, each by the person who does it ---------------------------------------------


def checkpoint_registers_the_car(w: Walk) -> None:
    """A car from Wuhan, one traveller without fever, bound for 第一网格 of 翰林社区."""
    b, page = w.b, w.phone_of("a_checkpoint")
    b.goto(page, "/checkpoints/register/")
    form = page.locator("form.passage-form")
    expect(form.locator("select[name=checkpoint] option[selected]")).to_have_text(CHECKPOINT)
    form.locator("select[name=province]").select_option("鄂")
    form.locator("input[name=plate]").fill("a12345")
    form.locator("input[name=origin]").fill(WUHAN)
    form.locator("input[name=destination]").fill("第一网格")
    suggestion = page.locator("#id_destination-options option", has_text="翰林社区")
    expect(suggestion).to_have_count(1)
    assert suggestion.get_attribute("value") == w.story.grid_code
    form.locator("input[name=destination]").fill(w.story.grid_code)
    expect(page.locator("#id_destination-picked")).to_contain_text("第一网格")
    form.locator("input[name=destination_text]").fill(ADDRESS)
    form.locator("input[name=t0_full_name]").fill(TRAVELLER)
    form.locator("input[name=t0_id_number]").fill(TRAVELLER_ID)
    form.locator("input[name=t0_phone]").fill(TRAVELLER_PHONE)
    form.locator("input[name=t0_temperature]").fill("36.6")
    b.submit(page, form.locator("button[type=submit]"))
    expect(said(page)).to_contain_text(f"已保存：{PLATE}，人员 1 名。")
    expect(page.locator(".messages .alert-danger")).to_have_count(0)  # no fever here


def grid_worker_confirms_the_arrival(w: Walk) -> None:
    """The hand-off waits in the grid worker's list; the visit confirms it and closes it."""
    b, page = w.b, w.phone_of("a_grid_worker_local")
    b.goto(page, "/checkpoints/handoffs/")
    handoff = page.locator("a.handoff", has_text=TRAVELLER)
    expect(handoff).to_have_count(1)
    expect(handoff).to_contain_text(f"来自 {WUHAN}，{CHECKPOINT}")
    expect(handoff).to_contain_text("剩余")  # due in … hours
    b.follow(page, handoff)
    expect(page.locator("h1")).to_have_text(TRAVELLER)
    seen = text_of(page.locator("section.card", has_text=CHECKPOINT))
    assert TRAVELLER_ID not in seen and TRAVELLER_ID[-4:] in seen, seen  # masked
    confirm = form_with(page, "confirm")
    expect(confirm.locator("input[name=unit]")).to_have_value(w.story.grid_code)
    expect(confirm.locator("input[name=address]")).to_have_value(ADDRESS)
    confirm.locator("input[name=relation]").fill("户主")
    b.submit(page, confirm.locator("button[type=submit]"))
    expect(said(page)).to_contain_text(f"已确认：{TRAVELLER} 已登记在册。")
    expect(page.locator("a.handoff", has_text=TRAVELLER)).to_have_count(0)
    expect(page.locator("main .list-group")).to_contain_text("暂无。")
    b.goto(page, "/checkpoints/handoffs/?state=confirmed")
    expect(page.locator("a.handoff", has_text=TRAVELLER)).to_contain_text("已上门确认")


def community_starts_home_observation(w: Walk) -> None:
    """From the confirmed hand-off, one action: nothing about the person typed again."""
    b, page, day = w.b, w.phone_of("a_community_officer"), w.story.day
    b.goto(page, "/checkpoints/handoffs/?state=confirmed")
    b.follow(page, page.locator("a.handoff", has_text=TRAVELLER))
    b.follow(page, page.locator("a[href*='/observation/start/']"))
    start = page.locator("main form")
    expect(start.locator("input[name=kind][value=home]")).to_be_checked()
    expect(start.locator("select[name=reason]")).to_have_value("arrival")
    expect(start.locator("input[name=last_exposure]")).to_have_value(day.isoformat())
    expect(start.locator("input[name=name_0]")).to_have_value(STAFF["a_community_officer"])
    start.locator("select[name=role_0]").select_option("cadre")
    start.locator("select[name=role_1]").select_option("grid_worker")
    start.locator("input[name=name_1]").fill(STAFF["a_grid_worker_local"])
    start.locator("input[name=phone_1]").fill("13900000011")
    b.submit(page, start.locator("button[type=submit]"))
    # Fourteen days counted from the day after the arrival: day 1 is tomorrow.
    end = (day + timedelta(days=14)).isoformat()
    expect(said(page)).to_contain_text(f"{TRAVELLER} 纳入医学观察，至 {end}")
    expect(badge(page)).to_have_text("明天为第 1 天（共 14 天）")
    details = page.locator("main dl").first
    expect(details).to_contain_text("居家医学观察")
    expect(details).to_contain_text("疫区来人")


def grid_worker_finds_a_fever(w: Walk) -> None:
    """The follow-up of the day, saved in place: 38.6 °C sends him to the fever clinic."""
    b, page = w.b, w.phone_of("a_grid_worker_local")
    b.goto(page, "/observation/followups/")
    row = page.locator(".followup", has=page.locator("form"), has_text=TRAVELLER).first
    row_id = row.get_attribute("id")
    row.locator("input[type=number]").fill("38.6")
    row.locator("button[type=submit]").click()  # htmx swaps the row
    saved = page.locator(f"#{row_id}")
    expect(saved.locator(".badge")).to_have_text("38.6 °C · 发热")
    expect(saved.locator(".alert-danger")).to_contain_text("发热：已转诊发热门诊")
    b.look(page)
    b.follow(page, saved.locator("a"))
    expect(badge(page)).to_have_text("已送发热门诊")
    expect(page.locator("td.text-danger", has_text="38.6 °C")).to_have_count(1)
    referral = page.locator("section", has=page.locator("h2", has_text="发热转诊"))
    expect(referral).to_contain_text("38.6 °C")
    expect(referral).to_contain_text("等待结果")


def clinician_reports_a_suspected_case(w: Walk) -> str:
    """The fever clinic's outcome, then the case report from it; the case's path."""
    b, page = w.b, w.phone_of("a_clinician")
    b.goto(page, "/observation/referrals/")
    waiting = page.locator("a.list-group-item", has_text=TRAVELLER)
    expect(waiting).to_contain_text("38.6 °C")
    b.follow(page, waiting)
    page.check("input[name=outcome][value=suspected]")
    page.fill("input[name=note]", "胸部CT示双肺磨玻璃影")
    b.submit(page, page.locator("main form button[type=submit]"))
    expect(said(page)).to_contain_text(f"已登记 {TRAVELLER} 的结果。")
    expect(page.locator("a.list-group-item", has_text=TRAVELLER)).to_have_count(0)
    b.goto(page, "/observation/?state=transferred")
    b.follow(page, page.locator("a.list-group-item", has_text=TRAVELLER))
    expect(badge(page)).to_have_text("已转送医院")
    b.follow(page, page.locator("a", has_text="报告病例"))
    report = page.locator("main form")
    expect(report.locator("input[name=classification][value=suspected]")).to_be_checked()
    report.locator("input[name=reporting_institution]").fill("历下区人民医院发热门诊")
    report.locator("input[name=onset_date]").fill(w.story.day.isoformat())
    report.locator("input[name=imported]").check()
    report.locator("input[name=origin]").fill(WUHAN)
    b.submit(page, report.locator("button[type=submit]"))
    expect(said(page)).to_contain_text("已报告")
    expect(page.locator("h1")).to_contain_text(TRAVELLER)
    expect(badge(page)).to_have_text("疑似病例")
    return b.path(page.url)


def cdc_confirms_and_traces(w: Walk, case: str) -> None:
    """Confirmed; his wife at home goes into observation, his colleague who went back to
    Wuhan gets an assistance letter to the locality there."""
    b, page, day = w.b, w.phone_of("a_epidemiologist"), w.story.day
    b.goto(page, "/cases/")
    b.follow(page, page.locator("a.case", has_text=TRAVELLER))
    assert b.path(page.url) == case
    page.locator("summary", has_text="更改分类").click()
    classify = form_with(page, "classify")
    classify.locator("input[name=classify-to][value=confirmed]").check()
    classify.locator("input[name=classify-reason]").fill("咽拭子核酸检测阳性（市疾控中心复核）")
    b.submit(page, classify.locator("button[type=submit]"))
    expect(badge(page)).to_have_text("确诊病例")
    expect(page.locator("main")).to_contain_text("疑似病例 → 确诊病例")

    def add_contact(name: str, id_number: str, phone: str, setting: str, **typed: str) -> None:
        b.goto(page, f"{case}contacts/new/")
        form = page.locator("main form")
        form.locator("input[name=full_name]").fill(name)
        form.locator("select[name=id_type]").select_option("resident")
        form.locator("input[name=id_number]").fill(id_number)
        form.locator("input[name=phone]").fill(phone)
        form.locator("select[name=setting]").select_option(setting)
        form.locator("select[name=level]").select_option("close")
        for name_of_field, value in typed.items():
            form.locator(f"input[name={name_of_field}]").fill(value)
        b.submit(page, form.locator("button[type=submit]"))
        expect(said(page)).to_contain_text(f"已添加 {name}。")
        expect(page.locator("h1")).to_have_text(name)

    add_contact(
        WIFE, WIFE_ID, WIFE_PHONE, "household", relation="妻子",
        last_contact=day.isoformat(), unit=w.story.grid_code,
    )  # fmt: skip
    observe = form_with(page, "observe")
    observe.locator("input[name=observe-kind][value=home]").check()
    expect(observe.locator("input[name=observe-lead]")).to_have_value(STAFF["a_epidemiologist"])
    b.submit(page, observe.locator("button[type=submit]"))
    expect(page.locator("h1")).to_have_text(WIFE)
    details = page.locator("main dl").first
    expect(details).to_contain_text("居家医学观察")
    expect(details).to_contain_text("密切接触者")

    add_contact(
        COLLEAGUE, COLLEAGUE_ID, COLLEAGUE_PHONE, "work", relation="同事",
        last_contact=(day - timedelta(days=1)).isoformat(), gone_to=LETTER_TO,
    )  # fmt: skip
    letter = form_with(page, "letter")
    expect(letter.locator("input[name=letter-region]")).to_have_value(LETTER_TO)
    letter.locator("input[name=letter-authority]").fill(AUTHORITY)
    b.submit(page, letter.locator("button[type=submit]"))
    expect(page.locator("h1")).to_have_text(COLLEAGUE)
    expect(page.locator(".page-head")).to_contain_text(f"发往 {LETTER_TO}")
    expect(badge(page)).to_have_text("草拟")
    b.submit(page, form_with(page, "send").locator("button"))
    expect(said(page)).to_contain_text("已发出")
    expect(badge(page)).to_have_text("已发出")

    b.goto(page, case)
    expect(page.locator("main")).to_contain_text("2 名接触者")
    tally = text_of(page.locator("p", has_text="已发函"))
    assert "正在观察 1" in tally and "已发函 1" in tally, tally


def units_report_the_day(w: Walk) -> None:
    """The next morning: the first grid from its line lists, the second grid a zero report,
    then the community."""
    b, day = w.b, w.story.day
    page = w.phone_of("a_grid_worker_local")
    b.goto(page, "/reports/")
    b.follow(page, page.locator("a.report-row", has_text="第一网格"))
    assert page.url.endswith(f"/{day.isoformat()}/"), page.url  # yesterday's, by default
    computed = figures(page.locator("section", has_text="明细自动统计"))
    expected = {"新登记来人": "1", "转诊发热门诊": "1", "确诊病例": "1",
                "追踪密切接触者": "2", "发出协查函": "1", "居家医学观察人数": "1"}  # fmt: skip
    assert {k: computed.get(k) for k in expected} == expected, computed
    type_figures(page, masks_distributed="200", volunteers_on_duty="6")
    b.submit(page, page.locator("button[name=action][value=submit]"))
    expect(said(page)).to_contain_text("报告已报送。")
    expect(badge(page)).to_have_text("已报送")

    page = w.phone_of("a_grid2_worker")
    b.goto(page, "/reports/")
    b.follow(page, page.locator("a.report-row", has_text="第二网格"))
    nothing = figures(page.locator("section", has_text="明细自动统计"))
    assert set(nothing.values()) == {"0"}, nothing
    b.submit(page, page.locator("button[name=action][value=zero]"))
    expect(said(page)).to_contain_text("零报告已报送。")
    expect(badge(page)).to_have_text("零报告")

    page = w.phone_of("a_community_officer")
    b.goto(page, "/reports/")
    b.follow(page, page.locator("a.report-row", has_text="翰林社区"))
    type_figures(page, masks_distributed="400", volunteers_on_duty="12")
    b.submit(page, page.locator("button[name=action][value=submit]"))
    expect(said(page)).to_contain_text("报告已报送。")
    expect(badge(page)).to_have_text("已报送")


def hq_publishes_the_bulletin(w: Walk) -> None:
    """Drafted from the reports, worded, approved and published."""
    b, page = w.b, w.phone_of("a_commander")
    b.goto(page, "/bulletin/manage/")
    b.follow(page, page.locator("a[href*='/bulletin/manage/district/']"))
    generate = page.locator("main form")
    expect(generate.locator("input[name=day]")).to_have_value(w.story.day.isoformat())
    generate.locator("select[name=language]").select_option("zh-hans")
    b.submit(page, generate.locator("button[type=submit]"))
    expect(said(page)).to_contain_text("已根据日报告生成草稿。")
    drafted = figures(page.locator("section", has_text="主要数字"))
    assert drafted.get("新增确诊病例") == "1" and drafted.get("累计确诊病例") == "2", drafted
    text = page.locator("textarea[name=text]")
    text.fill(text.input_value() + "\n\n" + BULLETIN_NOTE)
    b.submit(page, page.locator("main form button[type=submit]").first)
    expect(said(page)).to_contain_text("已保存。")
    b.submit(page, page.locator("button", has_text="审核并发布"))
    expect(said(page)).to_contain_text("通报已审核并发布。")
    expect(page.locator("main")).to_contain_text(BULLETIN_NOTE)


def test_the_closed_loop_from_the_checkpoint_to_the_public_bulletin(
    story: tuple[Story, Clock], live_server: Any, open_browser: Callable[[str], Browser]
) -> None:
    s, clock = story
    w = Walk(b=open_browser(live_server.url), story=s)
    day, yesterday = s.day, s.day - timedelta(days=1)

    def of_day(shown: date, note: str = "") -> Callable[[Any], None]:
        def check(page: Any) -> None:
            expect(page.locator("#bulletin-title")).to_contain_text(f"{shown.month}月{shown.day}日")
            if note:
                expect(page.locator(".bulletin")).to_contain_text(note)

        return check

    before = w.public_bulletin(of_day(yesterday))
    assert before["新增确诊病例"] == "0" and before["累计确诊病例"] == "1", before

    checkpoint_registers_the_car(w)
    grid_worker_confirms_the_arrival(w)
    community_starts_home_observation(w)
    grid_worker_finds_a_fever(w)
    case = clinician_reports_a_suspected_case(w)
    cdc_confirms_and_traces(w, case)

    w.night()
    clock.next_morning(day)
    units_report_the_day(w)
    hq_publishes_the_bulletin(w)

    after = w.public_bulletin(of_day(day, BULLETIN_NOTE))
    assert after["新增确诊病例"] == "1", after
    assert int(after["累计确诊病例"]) == int(before["累计确诊病例"]) + 1, (before, after)
    assert after["累计追踪密切接触者"] == "2" and after["居家医学观察人数"] == "1", after

    assert not w.b.problems, "\n".join(w.b.problems)
    print(f"{len(w.b.pages_seen)} pages, none wider than 375 px:", " ".join(w.b.pages_seen))
