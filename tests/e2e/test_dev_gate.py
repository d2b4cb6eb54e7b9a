"""The development set's scores (../shared/eval) stay above the floors pinned in tests/data/dev_floors.json."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[3] / "shared" / "eval"
FLOORS = json.loads((Path(__file__).parents[1] / "data" / "dev_floors.json").read_text())
pytestmark = pytest.mark.skipif(
    not (SHARED / "score.py").exists(), reason="../shared/eval is not beside the repository"
)


def test_dev_scores_stay_above_their_floors(tmp_path):
    command = f"{sys.executable} -m eventscope extract {{input}} --format jsonl --output {{output}}"
    result = subprocess.run(
        [sys.executable, str(SHARED / "score.py"), str(SHARED / "dev.jsonl"), "--cmd", command, "--json"],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    scores = json.loads(result.stdout.strip().splitlines()[-1])
    fields = scores["matched_field_accuracy"]
    assert scores["detection"]["f1"] >= FLOORS["detection_f1"], scores
    assert scores["typed"]["f1"] >= FLOORS["typed_f1"], scores
    assert scores["strict"]["f1"] >= FLOORS["strict_f1"], scores
    for field in ("sub_event_type", "event_date", "fatalities", "place<=25km", "admin1"):
        assert fields[field] >= FLOORS[field], (field, fields)
    assert scores["negative_articles_with_events"].startswith(f"{FLOORS['negative_articles_with_events']}/")
