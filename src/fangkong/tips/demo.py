"""The demo's tips: a dozen over the last week, from the public form and the hotline, in
every state (two waiting for triage, one overdue at the grid, one rejected as spam),
through the services, so that every time and log line is one a real tip would have."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.orgunits.models import OrgUnit
from fangkong.tips import services
from fangkong.tips.models import Tip

# (category, place, text, anonymous)
REPORTS = [
    ("arrival", "翰林小区 5 号楼 2 单元", "502 室昨晚从武汉回来一家三口，没有去社区登记。", False),
    ("gathering", "翰林小区北门小广场", "每天下午有十几个老人聚在一起打牌，都不戴口罩。", True),
    ("gouging", "惠民大药房（经十路店）", "一次性医用口罩卖到 20 元一只，还限购。", False),
    ("wildlife", "七里河农贸市场东侧", "有人在路边偷偷卖野鸡和刺猬。", True),
    ("sanitation", "和平路与文化西路路口", "垃圾桶满了三天没人清运，味道很大。", False),
    ("rumour", "业主微信群", "群里有人说小区出了确诊病例，要封楼，大家都在抢菜。", True),
    ("arrival", "东关大街 18 号院", "院里一户的儿子从湖北开车回来了，车停在楼下。", False),
    ("gathering", "东关清真寺旁饭店", "饭店关着门，里面在办酒席，有二三十人。", False),
    ("other", "第一网格 3 号楼", "楼道里的消毒记录一周没有更新了。", True),
    ("gouging", "万家福超市", "蔬菜价格一天涨了一倍。", False),
    ("other", "不详", "加微信领免费口罩，点击链接。", True),
    ("sanitation", "翰林社区公厕", "公厕没有洗手液，也没看到消毒。", False),
]
NAMES = ["王女士", "李先生", "赵阿姨", "刘师傅", "陈先生", "孙女士"]
OUTCOMES = [
    ("confirmed", "已上门核实并登记，落实居家观察。", "您反映的情况已核实处理，感谢您的监督。"),
    ("not_confirmed", "现场核查未发现聚集。", "经现场核查，未发现您反映的情况，我们会持续关注。"),
    ("referred", "已移交市场监管局。", "您反映的问题已移交市场监管部门处理。"),
    ("confirmed", "已督促环卫当日清运。", "已安排清运，感谢您的反映。"),
]


def _user(name: str) -> User | None:
    return User.objects.filter(username=name).first()


def _unit(user: User | None, fallback: OrgUnit) -> OrgUnit:
    found = user.assignments.select_related("unit").first() if user is not None else None
    return found.unit if found is not None else fallback


def load_tips(district: OrgUnit, *, seed: int = 2020) -> int:
    """Returns the number of tips made."""
    rng = random.Random(f"{seed}:tips")
    commander = _user("commander")
    if commander is None:
        return 0
    worker = _user("grid") or commander
    officer = _user("community") or commander
    community = _unit(officer, district)
    grid = _unit(worker, community)
    now = timezone.now()
    made = 0
    for n, (category, place, text, anonymous) in enumerate(REPORTS):
        at = now - timedelta(days=7) + timedelta(hours=n * 13 + rng.randint(0, 5),
                                                 minutes=rng.randint(0, 59))  # fmt: skip
        report = services.Report(
            category=category, place=place, text=text, anonymous=anonymous,
            contact_name="" if anonymous else rng.choice(NAMES),
            contact_phone="" if anonymous else f"139{rng.randint(0, 99999999):08d}",
        )  # fmt: skip
        if n % 3 == 1:
            tip = services.tip_record(actor=commander, desk=district, report=report, now=at)
        else:
            tip = services.tip_submit(district=district, report=report, now=at)
        made += 1
        _work(tip, n, at, now, rng, commander=commander, officer=officer, worker=worker,
              units=(community, grid))  # fmt: skip
    return made


def _work(
    tip: Tip,
    n: int,
    at: datetime,
    now: datetime,
    rng: random.Random,
    *,
    commander: User,
    officer: User,
    worker: User,
    units: tuple[OrgUnit, OrgUnit],
) -> None:
    """Take the tip as far as its place in the week allows."""
    community, grid = units
    if n in (7, 11) or at > now - timedelta(hours=3):
        return  # the latest, and one left waiting: the triage queue's new tips
    triaged_at = at + timedelta(minutes=rng.randint(8, 90))
    if n == 10:
        services.tip_reject(actor=commander, tip=tip, reason="广告信息，非疫情线索。",
                            now=triaged_at)  # fmt: skip
        return
    target = grid if tip.category == "arrival" else community
    tip = services.tip_triage(actor=commander, tip=tip, unit=target, now=triaged_at,
                              note="请属地核实处置并回复。")  # fmt: skip
    if n == 9:
        return  # left with the community untouched: overdue by now
    if n == 8:  # the community passes it on to the grid, which has not begun
        services.tip_triage(actor=officer, tip=tip, unit=grid, note="请网格员上门查看。",
                            now=triaged_at + timedelta(minutes=20))  # fmt: skip
        return
    started = triaged_at + timedelta(minutes=rng.randint(10, 60))
    handler = worker if target == grid else officer
    tip = services.tip_start(actor=handler, tip=tip, note="已联系，正在核查。", now=started)
    if n % 4 == 3 or started > now - timedelta(hours=6):
        return  # still at work
    outcome, note, reply = OUTCOMES[n % len(OUTCOMES)]
    done = min(started + timedelta(hours=rng.randint(1, 20)), now - timedelta(minutes=5))
    services.tip_resolve(actor=handler, tip=tip, outcome=outcome, note=note, public_reply=reply,
                         now=done)  # fmt: skip
