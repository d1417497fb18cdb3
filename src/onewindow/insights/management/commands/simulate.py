"""`onewindow simulate`: compare hall layouts, plan staffing, replay a recorded day, Erlang C — from the shell.

Examples:
  onewindow simulate                                   # the Fu'an HR example, department vs comprehensive
  onewindow simulate --demand "A:9.5:6,B:8:6,C:8:6,D:6.5:6" --department 1 --hours 8
  onewindow simulate --hall huli --days 20 --plan --target 10
  onewindow simulate --hall huli --replay 2026-11-20 --json
  onewindow simulate --erlang 32,6,4
"""

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onewindow.core.errors import ServiceError
from onewindow.insights.simulation import scenarios
from onewindow.insights.simulation.layouts import COMPREHENSIVE, DEPARTMENT, LAYOUT_NAMES, SKILL_GROUPS


def _staffing(text: str | None) -> Any:
    """"3" → 3; "3,4,5" → [3, 4, 5] per hour; "A=2,B=1" → {"A": 2, "B": 1}; "A=2/3,B=1" per hour with /."""
    if not text:
        return None
    if "=" not in text:
        parts = [int(p) for p in text.split(",") if p.strip()]
        return parts[0] if len(parts) == 1 else parts
    out: dict[str, Any] = {}
    for part in text.split(","):
        key, _sep, value = part.partition("=")
        values = [int(v) for v in value.split("/") if v.strip()]
        out[key.strip()] = values[0] if len(values) == 1 else values
    return out


def _demand(text: str, hours: int) -> dict:
    """"code:rate:minutes[:kind[:cv]],…" (rate per hour; "A:5/9/7:6" gives hourly rates)."""
    cats = []
    for part in text.split(","):
        bits = part.strip().split(":")
        if len(bits) < 3:
            raise CommandError(f"--demand entries are code:rate:minutes[:kind[:cv]] (got {part!r})")
        rates = [float(r) for r in bits[1].split("/")]
        cats.append({"code": bits[0], "name": bits[0], "arrivals_per_hour": rates if len(rates) > 1 else rates[0],
                     "service_minutes": bits[2], "service_kind": bits[3] if len(bits) > 3 else "exponential",
                     "service_cv": bits[4] if len(bits) > 4 else 1.0})
    return {"categories": cats, "hours": hours}


def _groups(text: str | None) -> dict[str, list[str]] | None:
    if not text:
        return None
    out = {}
    for part in text.split(";"):
        name, _sep, codes = part.partition("=")
        out[name.strip()] = [c.strip() for c in codes.split("+") if c.strip()]
    return out


class Command(BaseCommand):
    help = "Simulate a service hall: compare layouts, plan staffing, replay a recorded day, Erlang C"

    def add_arguments(self, parser: CommandParser) -> None:
        src = parser.add_argument_group("demand")
        src.add_argument("--demand", help="code:rate:minutes[:kind[:cv]],… (default: the Fu'an HR example)")
        src.add_argument("--hours", type=int, default=8, help="opening hours with --demand")
        src.add_argument("--open-hour", type=int, default=9)
        src.add_argument("--hall", help="fit demand from this hall's recorded ticket events")
        src.add_argument("--days", type=int, default=20, help="recent days of events to fit (--hall)")
        src.add_argument("--priority-share", type=float, default=0.0)
        src.add_argument("--no-show-share", type=float, default=0.0)
        src.add_argument("--patience", type=float, help="mean patience in minutes (abandonment)")
        lay = parser.add_argument_group("layouts and staffing")
        lay.add_argument("--layout", action="append", choices=[DEPARTMENT, COMPREHENSIVE, SKILL_GROUPS],
                         help="layouts to compare (repeat); default department and comprehensive (+ groups if given)")
        lay.add_argument("--department", help='windows per category: "2", "A=2,B=1" or per hour "A=2/3/3,B=1"')
        lay.add_argument("--comprehensive", help='comprehensive windows: "6" or per hour "5,6,7,…" (default: equal staff)')
        lay.add_argument("--groups", help='skill groups: "社保=A+B;就业=C+D"')
        lay.add_argument("--factor", type=float, default=1.0, help="service-time factor of pooled windows")
        run = parser.add_argument_group("run")
        run.add_argument("--replications", type=int, default=5)
        run.add_argument("--seed", type=int, default=1)
        run.add_argument("--plan", action="store_true", help="plan the fewest windows per hour")
        run.add_argument("--plan-layout", default=COMPREHENSIVE, choices=[DEPARTMENT, COMPREHENSIVE, SKILL_GROUPS])
        run.add_argument("--target", type=float, default=10.0, help="target minutes for the planner")
        run.add_argument("--metric", default="p90_wait", choices=["p90_wait", "mean_wait"])
        run.add_argument("--replay", metavar="DATE", help="replay a recorded day of --hall (YYYY-MM-DD)")
        run.add_argument("--erlang", metavar="RATE,MINUTES,SERVERS", help="only the Erlang C figures")
        parser.add_argument("--json", action="store_true", help="machine-readable output")

    def handle(self, *args: Any, **o: Any) -> None:
        try:
            out = self._run(o)
        except ServiceError as exc:
            field = exc.problems[0].field if exc.problems else None
            raise CommandError(f"{exc.message}" + (f" ({field})" if field else "")) from None
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if o["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
        else:
            self._print(out)

    def _run(self, o: dict) -> dict:
        if o["erlang"]:
            rate, minutes, servers = (o["erlang"].split(",") + ["", "", ""])[:3]
            return {"erlang_c": scenarios.erlang(arrivals_per_hour=rate, service_minutes=minutes, servers=servers,
                                                 target_minutes=o["target"])}
        if o["replay"]:
            if not o["hall"]:
                raise CommandError("--replay needs --hall")
            try:
                day = dt.date.fromisoformat(o["replay"])
            except ValueError:
                raise CommandError("--replay takes a date YYYY-MM-DD") from None
            return {"replay": scenarios.replay(o["hall"], day)}
        groups = _groups(o["groups"])
        department = _staffing(o["department"])
        if o["hall"]:
            demand, _period, recorded = scenarios.hall_demand(o["hall"], o["days"])
            department = department if department is not None else recorded
        elif o["demand"]:
            data = _demand(o["demand"], o["hours"])
            data.update(open_hour=o["open_hour"], priority_share=o["priority_share"],
                        no_show_share=o["no_show_share"], patience_minutes=o["patience"])
            demand = scenarios.demand_from_dict(data)
        else:
            demand = scenarios.example_demand()
            department = department if department is not None else scenarios.example_department_staffing()
            groups = groups or scenarios.EXAMPLE_GROUPS
        kinds = tuple(o["layout"] or ([DEPARTMENT, COMPREHENSIVE] + ([SKILL_GROUPS] if groups else [])))
        layouts = scenarios.layouts_for(demand, department=department, comprehensive=_staffing(o["comprehensive"]),
                                        groups=groups, kinds=kinds, service_factor=o["factor"])
        out = {"compare": scenarios.compare(demand, layouts, replications=o["replications"], seed=o["seed"])}
        if o["plan"]:
            template = scenarios.layouts_for(demand, groups=groups, kinds=(o["plan_layout"],),
                                             service_factor=o["factor"])[0]
            out["plan"] = scenarios.plan(demand, template, target_minutes=o["target"], metric=o["metric"],
                                         replications=min(o["replications"], 5), seed=o["seed"])
        return out

    # --- text output -------------------------------------------------------------------------------------
    def _print(self, out: dict) -> None:
        w = self.stdout.write
        if "erlang_c" in out:
            e = out["erlang_c"]
            w(f"M/M/{e['servers']}: λ={e['arrivals_per_hour']}/h, service {e['service_minutes']} min, "
              f"load {e['load']:.2f}, ρ={e['utilisation']:.3f}")
            if e["stable"]:
                w(f"  P(wait)={e['p_wait']:.4f}  Wq={e['mean_wait_minutes']:.2f} min  "
                  f"p90={e['p90_wait_minutes']:.2f} min  P(wait≤{e['target_minutes']:g})={e['service_level']:.3f}")
            else:
                w("  unstable: arrivals exceed capacity")
            return
        if "replay" in out:
            for key, label in (("recorded", "as staffed"), ("comprehensive", "comprehensive, same staff")):
                r = out["replay"].get(key)
                if not r:
                    continue
                o = r["overall"]
                w(f"replay {r['day']} ({label}): {r['replayed']} tickets, {r['not_called']} never called")
                w(f"  real mean {o['real_mean']:.1f} min p90 {o['real_p90']:.1f} | "
                  f"simulated mean {o['sim_mean']:.1f} min p90 {o['sim_p90']:.1f}")
                for c in r["by_category"]:
                    w(f"    {c['label']:<14} n={c['n']:<4} real {c['real_mean']:6.1f}  sim {c['sim_mean']:6.1f}")
            return
        cmp_ = out["compare"]
        d = cmp_["demand"]
        w(f"demand: {d['per_day']} tickets/day over {d['hours']} h from {d['open_hour']:02d}:00, "
          f"{len(d['categories'])} categories; {cmp_['replications']} replications, seed {cmp_['seed']}")
        w(f"{'layout':<14}{'win·h':>6}{'mean wait':>18}{'p90 wait':>18}{'>15min':>8}{'aband.':>8}{'util.':>7}")
        for lay in cmp_["layouts"]:
            m, p = lay["overall"]["mean_wait"], lay["overall"]["p90_wait"]
            w(f"{lay['code']:<14}{lay['counter_hours']:>6}"
              f"{m['mean']:>7.1f} [{m['low']:4.1f},{m['high']:5.1f}]{p['mean']:>7.1f} [{p['low']:4.1f},{p['high']:5.1f}]"
              f"{lay['overall']['share_over_15']['mean']:>8.1%}{lay['overall']['abandonment']['mean']:>8.1%}"
              f"{lay['utilisation']['mean']:>7.0%}")
        if "pooling" in cmp_:
            pz = cmp_["pooling"]
            w(f"department → comprehensive{' (equal staff)' if pz['equal_staff'] else ''}: mean wait "
              f"{pz['department_mean_wait']} → {pz['comprehensive_mean_wait']} min ({pz['mean_wait_change']:+.1%}), "
              f"p90 {pz['department_p90_wait']} → {pz['comprehensive_p90_wait']} min")
        if "plan" in out:
            pl = out["plan"]
            w(f"plan ({LAYOUT_NAMES.get(pl['layout']['code'], pl['layout']['code'])}, {pl['metric']} ≤ "
              f"{pl['target_minutes']:g} min): {'met' if pl['met'] else 'NOT met'}, {pl['counter_hours']} window-hours")
            for h, label in enumerate(pl["hour_labels"]):
                erl = sum(p["erlang"][h] for p in pl["pools"])
                w(f"  {label}  windows {pl['counters_by_hour'][h]:>3}  (Erlang C {erl})")
