from ninja import Schema


class AssignmentOut(Schema):
    role: str
    unit_id: int
    unit_name: str


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    is_active: bool
    phone_masked: str
    assignments: list[AssignmentOut]
