"""Fixtures for gep.carbon tests (helpers in ``helpers.py``)."""

from __future__ import annotations

import pytest

from . import helpers


@pytest.fixture
def lookup():
    return helpers.yaml_lookup


@pytest.fixture
def national_params():
    return helpers.national_params()


@pytest.fixture
def simple_params():
    return helpers.simple_params()
