"""What each app contributes, declared once on its AppConfig and discovered here.

An app of OneWindow subclasses `OneWindowApp` and lists, as dotted strings (so that `core` imports no domain
app), what it brings to the whole:

    class CasesConfig(OneWindowApp):
        name = "onewindow.cases"
        urls = (UrlMount("cases/", "onewindow.cases.urls"),)
        api = (ApiMount("onewindow.cases.api:router"),)
        nav = "onewindow.cases.nav:ITEMS"
        daily_jobs = (DailyJob("cases.recompute_deadlines", "onewindow.cases.tasks:recompute_deadlines", hour=1),)
        demo = (DemoStep("onewindow.demo.cases:load", order=40),)

The URL configuration, the JSON API, the menu, the daily-job scheduler and `onewindow demo` each read their
part through the functions below; nothing else keeps a list of apps.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import AppConfig, apps


@dataclass(frozen=True)
class UrlMount:
    path: str  # "cases/"
    module: str  # "onewindow.cases.urls"


@dataclass(frozen=True)
class ApiMount:
    router: str  # "onewindow.cases.api:router"
    prefix: str = ""  # mounted under /api/v1/<prefix>
    tag: str = ""  # OpenAPI tag; the app label when empty


@dataclass(frozen=True)
class DailyJob:
    name: str
    task: str  # "module:attribute" of a django-tasks task taking no arguments
    hour: int  # local hour (Asia/Shanghai) from which the job is due


@dataclass(frozen=True)
class DemoStep:
    loader: str  # "onewindow.demo.cases:load", called as load(*, scale: int, stdout)
    order: int  # later steps build on earlier ones


class OneWindowApp(AppConfig):
    """Base of every OneWindow app's AppConfig."""

    # Django picks the one AppConfig in an apps.py marked default; this base is imported there too.
    default = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.default = True

    urls: tuple[UrlMount, ...] = ()
    api: tuple[ApiMount, ...] = ()
    nav: str = ""
    daily_jobs: tuple[DailyJob, ...] = ()
    demo: tuple[DemoStep, ...] = ()


def load_object(path: str) -> Any:
    """Import "package.module:attribute" (or "package.module" for the module itself)."""
    module_name, _, attribute = path.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attribute) if attribute else module


def onewindow_apps() -> Iterator[OneWindowApp]:
    """The installed OneWindow apps, in INSTALLED_APPS order."""
    for config in apps.get_app_configs():
        if isinstance(config, OneWindowApp):
            yield config


def url_mounts() -> list[UrlMount]:
    return [mount for config in onewindow_apps() for mount in config.urls]


def api_mounts() -> list[tuple[OneWindowApp, ApiMount]]:
    return [(config, mount) for config in onewindow_apps() for mount in config.api]


@cache
def nav_items() -> tuple[Any, ...]:
    items: list[Any] = []
    for config in onewindow_apps():
        if config.nav:
            items.extend(load_object(config.nav))
    return tuple(sorted(items, key=lambda item: item.order))


def daily_jobs() -> list[DailyJob]:
    return [job for config in onewindow_apps() for job in config.daily_jobs]


def demo_steps() -> list[tuple[str, DemoStep]]:
    steps = [(config.label, step) for config in onewindow_apps() for step in config.demo]
    return sorted(steps, key=lambda pair: pair[1].order)
