"""Items, stores and stock for the tests, made through the services."""

from __future__ import annotations

from typing import Any

from fangkong.core.testing import World
from fangkong.supplies import services
from fangkong.supplies.models import Item, Stock, Store


def item(
    world: World, name: str = "N95口罩", measure: str = "只", category: str = "mask",
    threshold: int = 0,
) -> Item:  # fmt: skip
    found = Item.objects.filter(name=name).first()
    if found is not None:
        return found
    return services.item_create(
        actor=world.a.logistics, name=name, measure=measure, category=category,
        low_threshold=threshold,
    )  # fmt: skip


def store(world: World, unit: Any = None, name: str = "物资库", **values: Any) -> Store:
    return services.store_create(
        actor=world.a.logistics, unit=unit or world.a.street, name=name, **values
    )


def balance(at: Store, what: Item) -> int:
    row = Stock.objects.filter(store=at, item=what).first()
    return row.quantity if row else 0


def stocked(world: World, quantity: int = 100, **values: Any) -> tuple[Store, Item]:
    """A street store holding ``quantity`` N95 masks."""
    at, what = store(world, **values), item(world)
    services.stock_receive(actor=world.a.logistics, store=at, item=what, quantity=quantity)
    return at, what
