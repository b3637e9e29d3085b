#!/usr/bin/env python3
"""Validates every OSCAL document sansho writes with compliance-trestle's own OSCAL models.

Exports every bundled catalog, every mapping set and the sample assessment (`sansho sample load`),
imports the NIST SP 800-53 rev5 catalogs, the MODERATE profile (resolved against the HIGH catalog)
and the OSCAL example catalog and exports them again, then reads each file with trestle's pydantic
models (Catalog, MappingCollection, AssessmentResults: `oscal_read`, which refuses unknown fields,
missing required fields and malformed values) and with `trestle validate` in a trestle workspace
(its duplicate-UUID and reference checks). A document trestle refuses fails the run. A deliberately
broken copy of an export must be refused too, so a validator that accepts anything cannot pass.

Usage: python scripts/oscal-validate.py [--sansho target/debug/sansho] [--keep DIR]
Run it with the Python that has compliance-trestle installed (see .ci/run).
"""

import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = ROOT / "crates" / "oscal" / "tests" / "data"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sansho", default=str(ROOT / "target" / "debug" / "sansho"))
    ap.add_argument("--keep", help="write the exports here and keep them")
    args = ap.parse_args()

    import trestle
    from trestle.oscal import OSCAL_VERSION
    from trestle.oscal.assessment_results import AssessmentResults
    from trestle.oscal.catalog import Catalog
    from trestle.oscal.mapping import MappingCollection

    print(f"compliance-trestle {trestle.__version__}, OSCAL models {OSCAL_VERSION}")
    work = pathlib.Path(args.keep or tempfile.mkdtemp(prefix="sansho-oscal-"))
    work.mkdir(parents=True, exist_ok=True)
    out = work / "exports"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir()
    cats = work / "catalogs"
    if cats.exists():
        shutil.rmtree(cats)
    env = dict(os.environ)
    for k in ("SANSHO_CATALOGS", "SANSHO_CONFIG", "SANSHO_LANG"):
        env.pop(k, None)
    env["SANSHO_DB"] = str(work / "sansho.db")
    if (work / "sansho.db").exists():
        (work / "sansho.db").unlink()
    env["SANSHO_ACTOR"] = "oscal-validate"

    def sansho(*a: str) -> str:
        r = subprocess.run([args.sansho, *a], env=env, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"sansho {' '.join(a)} failed ({r.returncode}):\n{r.stderr}")
        return r.stdout

    docs: list[tuple[type, pathlib.Path]] = []
    listing = json.loads(sansho("catalog", "list", "--json"))
    for c in listing["catalogs"]:
        p = out / f"catalog-{c['id']}.json"
        sansho("oscal", "export", "--catalog", c["id"], "-o", str(p))
        docs.append((Catalog, p))
    for m in listing["mapping_sets"]:
        p = out / f"mapping-{m['id']}.json"
        sansho("oscal", "export", "--mapping", m["id"], "-o", str(p))
        docs.append((MappingCollection, p))
    sample = json.loads(sansho("sample", "load", "--json"))
    p = out / "assessment-sample.json"
    sansho("oscal", "export", "--assessment", sample["assessment"]["id"], "-o", str(p))
    docs.append((AssessmentResults, p))

    imports = [
        ("nist-moderate", [str(DATA / "NIST_SP-800-53_rev5_MODERATE-baseline-resolved-profile_catalog.json")]),
        ("nist-high", [str(DATA / "NIST_SP-800-53_rev5_HIGH-baseline-resolved-profile_catalog-min.json")]),
        ("nist-moderate-profile", [
            str(DATA / "NIST_SP-800-53_rev5_MODERATE-baseline_profile.json"),
            "--profile-catalog", str(DATA / "NIST_SP-800-53_rev5_HIGH-baseline-resolved-profile_catalog-min.json"),
        ]),
        ("oscal-basic-catalog", [str(DATA / "basic-catalog.json")]),
    ]
    for cid, a in imports:
        sansho("oscal", "import", *a, "--into", str(cats), "--id", cid)
    for cid, _ in imports:
        p = out / f"catalog-{cid}.json"
        sansho("--catalogs", str(cats), "oscal", "export", "--catalog", cid, "-o", str(p))
        docs.append((Catalog, p))

    failures = 0
    for model, path in docs:
        try:
            model.oscal_read(path)
            print(f"ok    {model.__name__:<18} {path.name}")
        except Exception as e:  # pydantic's ValidationError and trestle's own errors
            failures += 1
            print(f"FAIL  {model.__name__:<18} {path.name}\n{e}")

    # The validator must be able to say no: a copy with a malformed UUID and an unknown field.
    broken = out.parent / "broken-catalog.json"
    doc = json.loads((out / "catalog-mhlw-5.json").read_text())
    doc["catalog"]["uuid"] = "not-a-uuid"
    doc["catalog"]["groups"][0]["colour"] = "blue"
    broken.write_text(json.dumps(doc))
    try:
        Catalog.oscal_read(broken)
        failures += 1
        print("FAIL  trestle accepted a broken catalog: the check proves nothing")
    except Exception:
        print("ok    a broken copy is refused by trestle")

    # trestle's own validators (duplicates, references) in a trestle workspace.
    ws = work / "trestle-workspace"
    if ws.exists():
        shutil.rmtree(ws)
    ws.mkdir()
    trestle_bin = pathlib.Path(sys.executable).parent / "trestle"
    subprocess.run([str(trestle_bin), "init"], cwd=ws, check=True, capture_output=True)
    folder = {Catalog: "catalogs", MappingCollection: "mapping-collections", AssessmentResults: "assessment-results"}
    for model, path in docs:
        name = path.stem
        d = ws / folder[model] / name
        d.mkdir(parents=True, exist_ok=True)
        target = d / {Catalog: "catalog", MappingCollection: "mapping-collection", AssessmentResults: "assessment-results"}[model]
        shutil.copy(path, target.with_suffix(".json"))
        r = subprocess.run([str(trestle_bin), "validate", "-f", str(target.with_suffix(".json"))], cwd=ws, capture_output=True, text=True)
        if r.returncode != 0:
            failures += 1
            print(f"FAIL  trestle validate {path.name}\n{r.stdout}{r.stderr}")
        else:
            print(f"ok    trestle validate   {path.name}")

    # … and `trestle validate` must say no to it as well.
    d = ws / "catalogs" / "broken-copy"
    d.mkdir(parents=True, exist_ok=True)
    shutil.copy(broken, d / "catalog.json")
    r = subprocess.run([str(trestle_bin), "validate", "-f", str(d / "catalog.json")], cwd=ws, capture_output=True, text=True)
    if r.returncode == 0:
        failures += 1
        print("FAIL  trestle validate accepted a broken catalog: the check proves nothing")
    else:
        print("ok    a broken copy is refused by trestle validate")

    print(f"oscal-validate: {len(docs) * 2 + 2 - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
