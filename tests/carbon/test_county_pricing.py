"""County carbon-sink pricing: afforestation share and value per price scenario."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from gep.carbon.county import county_pricing
from gep.cli import carbon as carbon_cli
from gep.errors import InputError

ANKANG = Path(__file__).resolve().parents[2] / "datasets" / "ankang"


def _arr(values, name):
    # region × year × species: one county, years 2020–2022, species a and b
    return xr.DataArray(
        np.asarray(values, float),
        dims=["region", "year", "species"],
        coords={"region": ["r1"], "year": [2020, 2021, 2022], "species": ["a", "b"]},
        name=name,
    )


def test_county_pricing_hand_computed():
    area = _arr([[[100, 50], [110, 50], [120, 40]]], "area")  # a gains 10 + 10, b loses 10
    sink = _arr([[[np.nan, np.nan], [300, 100], [400, 100]]], "sink")
    out = county_pricing(sink, area, 2022, {"low": 40.0, "high": 70.0})
    one = out.sel(region="r1")
    # new area: a 20 ha (b's loss is not afforestation); share of a = 20 / 120 = 1/6
    assert float(one["new_area"]) == 20
    # creditable sink = 400 × 1/6 + 100 × 0 = 66.667 t/yr; existing = 500 − 66.667
    assert float(one["sink_afforestation"]) == pytest.approx(400 / 6)
    assert float(one["sink_existing"]) == pytest.approx(500 - 400 / 6)
    assert float(one["creditable_share"]) == pytest.approx((400 / 6) / 500)
    # value = creditable × price: 66.667 × 40 = 2666.67; × 70 = 4666.67
    np.testing.assert_allclose(one["value_creditable"].values, [400 / 6 * 40, 400 / 6 * 70])
    np.testing.assert_allclose(one["value_total"].values, [500 * 40, 500 * 70])
    with pytest.raises(InputError, match="2030"):
        county_pricing(sink, area, 2030, {"low": 40.0})


@pytest.mark.skipif(not (ANKANG / "dataset.yaml").exists(), reason="datasets/ankang not present")
def test_cli_county_json_ankang():
    res = CliRunner().invoke(carbon_cli.app, ["county", str(ANKANG), "--format", "json"])
    assert res.exit_code == 0, res.stderr
    out = json.loads(res.stdout)
    assert len(out["rows"]) == 10
    for row in out["rows"]:
        assert 0 <= row["creditable_share"] <= 1
        assert row["sink_afforestation_tCO2e_per_year"] + row["sink_existing_tCO2e_per_year"] == (
            pytest.approx(row["sink_tCO2e_per_year"])
        )
        assert row["value_creditable_CNY_per_year"]["ccer_central"] == pytest.approx(
            70 * row["sink_afforestation_tCO2e_per_year"]
        )
    assert "bamboo" in out["excluded_species"]
    res = CliRunner().invoke(carbon_cli.app, ["county", str(ANKANG), "--year", "1999"])
    assert res.exit_code == 2 and "1999" in res.stderr
