"""The learned role scorer as shipped: loaded only when its sha256 holds, and reading
roles in sentences written here for the test (not from any corpus it was trained on).
Training is never run here (``training/roles``); its figures are in the README."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from summarizer.text.candidates import candidates
from summarizer.text.learned_roles import ARTIFACT, ArtifactError, RoleModel, role_model, roles_in
from summarizer.text.nlp import parse


def test_the_shipped_model_loads_with_its_card() -> None:
    model = role_model()
    assert set(model.classes) == {"none", "perpetrator", "patient", "weapon", "place"}
    card = model.card
    assert card["seed"] and "measured_on" in card and "figures_measure" in card
    assert set(model.thresholds) == {"perpetrator", "patient", "weapon", "place"}


def test_an_altered_artifact_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / ARTIFACT.name
    shutil.copy(ARTIFACT, copy)
    shutil.copy(ARTIFACT.with_suffix(".sha256"), copy.with_suffix(".sha256"))
    assert RoleModel.load(copy).classes == role_model().classes
    data = json.loads(copy.read_text())
    data["thresholds"]["perpetrator"] = 0.0  # every candidate a perpetrator
    copy.write_text(json.dumps(data))
    with pytest.raises(ArtifactError, match="altered"):
        RoleModel.load(copy)
    copy.with_suffix(".sha256").unlink()
    with pytest.raises(ArtifactError, match="missing"):
        RoleModel.load(copy)


def test_candidates_stand_in_relation_to_the_violent_predicate() -> None:
    doc = parse("Rebels shelled the town with mortars on Sunday, the army said.")
    found = {c.text: c.features for c in candidates(doc)}
    assert found["Rebels"]["pred"] == "shell" and found["Rebels"]["side"] == "before"
    assert found["mortars"]["prep"] == "with"
    assert "the army" in found  # the speaker is a candidate too: the scorer decides


def test_roles_read_in_a_bombing_report() -> None:
    sent = next(parse(
        "A suicide bomber blew himself up at a crowded market in Mogadishu on Friday, "
        "killing 12 people."
    ).sents)  # fmt: skip
    read = {role: [s.candidate.text for s in found] for role, found in roles_in(sent).items()}
    assert read["perpetrator"][0] == "A suicide bomber"
    assert read["place"] == ["Mogadishu"]
    assert "12 people" in read["patient"]


def test_roles_read_in_a_raid_report() -> None:
    sent = next(
        parse("Gunmen killed three villagers in a raid on a farm near Kaduna on Monday.").sents
    )
    read = {role: [s.candidate.text for s in found] for role, found in roles_in(sent).items()}
    assert read["perpetrator"] == ["Gunmen"]
    assert read["place"] == ["Kaduna"]
