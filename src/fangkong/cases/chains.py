"""Transmission chains: who exposed whom, walked from a person to a depth.

The edges are contacts (source person → person). One recursive query walks them on
either database; ``depth`` bounds it, and a person reached twice is kept once, at the
shallowest depth.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection

from fangkong.cases.models import Contact

MAX_DEPTH = 5

_WALK = """
WITH RECURSIVE walk(contact_id, source_id, person_id, depth, trail) AS (
    SELECT c.id, c.source_id, c.person_id, 1, ',' || c.source_id || ',' || c.person_id || ','
    FROM {table} c WHERE c.source_id = %s
  UNION ALL
    SELECT c.id, c.source_id, c.person_id, w.depth + 1, w.trail || c.person_id || ','
    FROM {table} c JOIN walk w ON c.source_id = w.person_id
    WHERE w.depth < %s AND w.trail NOT LIKE '%%,' || c.person_id || ',%%'
)
SELECT contact_id, source_id, person_id, depth FROM walk
"""


@dataclass
class Node:
    person_id: int
    depth: int
    contacts: list[int] = field(default_factory=list)  # the edges that reach this person
    children: list[Node] = field(default_factory=list)


def walk(person_id: int, depth: int = MAX_DEPTH) -> list[tuple[int, int, int, int]]:
    """(contact id, source person, person, depth) of every edge reachable from the person."""
    sql = _WALK.format(table=connection.ops.quote_name(Contact._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(sql, [person_id, min(depth, MAX_DEPTH)])
        return [tuple(row) for row in cursor.fetchall()]  # type: ignore[misc]


def tree(person_id: int, depth: int = MAX_DEPTH) -> Node:
    """The chain from ``person_id`` as a tree (each person once, at the first depth found)."""
    root = Node(person_id, 0)
    nodes: dict[int, Node] = {person_id: root}
    edges = sorted(walk(person_id, depth), key=lambda e: (e[3], e[0]))
    for contact_id, source_id, target_id, level in edges:
        if target_id in nodes:
            nodes[target_id].contacts.append(contact_id)
            continue
        parent = nodes.get(source_id)
        if parent is None:
            continue
        node = Node(target_id, level, [contact_id])
        nodes[target_id] = node
        parent.children.append(node)
    return root
