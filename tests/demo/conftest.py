"""One generated demo dataset shared by the demo tests (generation takes a few seconds)."""

from __future__ import annotations

import pytest

from boardpack.demo.generate import generate_demo_data


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory):
    """A freshly generated demo dataset folder."""
    return generate_demo_data(tmp_path_factory.mktemp("demo") / "data")
