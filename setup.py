"""Build step: the site files kept at the checkout's root travel inside the package.

`templates/`, `static/` and `migrations/` stay at the repository root (the layout every
guide and test expects), and `config.py` is a top-level module (pyproject.toml
`py-modules`). A built distribution copies the three folders into `forum/_site/`, where
`create_app` finds them when the checkout is not there (forum/__init__.py `SITE`).
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SITE_FOLDERS = ("templates", "static", "migrations")


class BuildWithSiteFiles(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads them from the checkout
        target = Path(self.build_lib) / "forum" / "_site"
        for name in SITE_FOLDERS:
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(HERE / name, target / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithSiteFiles})
