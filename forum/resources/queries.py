"""Reading the resources section."""
from itertools import groupby

from sqlalchemy import select

from ..errors import NotFound, check_id
from ..extensions import db
from ..models import SECTION_LABELS, Resource, Section

SECTION_ORDER = list(Section)


def _live():
    return select(Resource).where(Resource.removed_at.is_(None))


def list_by_section() -> list[tuple[str, str, list[Resource]]]:
    """[(section key, label, resources)] in the sections' fixed order."""
    rows = db.session.scalars(_live().order_by(Resource.position, Resource.id)).all()
    grouped = {key: list(items) for key, items in
               groupby(sorted(rows, key=lambda r: SECTION_ORDER.index(Section(r.section))),
                       key=lambda r: r.section)}
    return [(key.value, SECTION_LABELS[key], grouped[key]) for key in SECTION_ORDER
            if key.value in grouped]


def list_pinned(limit: int = 6) -> list[Resource]:
    return list(db.session.scalars(
        _live().where(Resource.pinned.is_(True)).order_by(Resource.position, Resource.id)
        .limit(limit)))


def list_helplines() -> list[Resource]:
    return list(db.session.scalars(
        _live().where(Resource.section == Section.HELPLINES)
        .order_by(Resource.position, Resource.id)))


def get_resource(resource_id: int, *, include_removed: bool = False) -> Resource:
    resource = db.session.get(Resource, check_id(resource_id))
    if resource is None or (resource.removed_at is not None and not include_removed):
        raise NotFound()
    return resource
