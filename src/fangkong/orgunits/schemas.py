from ninja import Schema


class UnitOut(Schema):
    id: int
    code: str
    name: str
    level: str
    parent_id: int | None
    depth: int
    residents: int
    households: int
