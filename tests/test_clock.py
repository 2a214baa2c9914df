"""The build's fixed time: SOURCE_DATE_EPOCH, or the start of the build day."""

import datetime as dt
import os

import pytest

from boardpack import clock
from boardpack.errors import ConfigurationError


def test_source_date_epoch_is_used_when_set(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert clock.source_date_epoch() == 1700000000
    assert clock.build_date() == dt.date(2023, 11, 14)


def test_unset_means_the_start_of_today_utc(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    seconds = clock.source_date_epoch()
    assert seconds % 86400 == 0
    assert clock.build_date() == dt.datetime.now(dt.UTC).date()


@pytest.mark.parametrize("value", ["soon", "-5", "1.5"])
def test_a_bad_value_is_a_configuration_error(monkeypatch, value):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(ConfigurationError, match="SOURCE_DATE_EPOCH"):
        clock.source_date_epoch()


def test_fixed_time_sets_and_restores(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    with clock.fixed_time() as seconds:
        assert os.environ["SOURCE_DATE_EPOCH"] == str(seconds)
    assert "SOURCE_DATE_EPOCH" not in os.environ
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")
    with clock.fixed_time() as seconds:
        assert seconds == 86400
    assert os.environ["SOURCE_DATE_EPOCH"] == "86400"
