"""Atom feeds of public content: each category's new threads, each thread's posts."""
from flask import Blueprint

bp = Blueprint("feeds", __name__)

from . import routes  # noqa: E402,F401  (registers the views on bp)
