"""Refresh vendored front-end assets and reference data from the npm registry.

Run with ``make vendor``. Each package is fetched with ``npm pack`` at a pinned
version; only the files the pages use are kept, with the package's licence.
Nothing is fetched at run time.
"""

import json
import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "static" / "vendor"
DATA = ROOT / "tracker" / "data"

PACKAGES = {
    "bootstrap@5.3.8": {
        "dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
        "dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
        "LICENSE": "bootstrap/LICENSE",
    },
    "htmx.org@2.0.8": {
        "dist/htmx.min.js": "htmx/htmx.min.js",
        "LICENSE": "htmx/LICENSE",
    },
    "echarts@6.1.0": {
        "dist/echarts.min.js": "echarts/echarts.min.js",
        "LICENSE": "echarts/LICENSE",
        "NOTICE": "echarts/NOTICE",
    },
    "tom-select@2.4.3": {
        "dist/js/tom-select.complete.min.js": "tom-select/tom-select.complete.min.js",
        "dist/css/tom-select.bootstrap5.min.css": (
            "tom-select/tom-select.bootstrap5.min.css"
        ),
        "LICENSE": "tom-select/LICENSE",
    },
    "world-atlas@2.0.2": {
        "countries-110m.json": "world-atlas/countries-110m.json",
        "LICENSE": "world-atlas/LICENSE",
    },
    "topojson-client@3.1.0": {
        "dist/topojson-client.min.js": "topojson-client/topojson-client.min.js",
        "LICENSE": "topojson-client/LICENSE",
    },
}

REGIONS_PACKAGE = "world-countries@5.1.0"


# Source maps are not shipped; a reference to a missing map would break
# collectstatic's manifest, so the reference is dropped from the copy.
SOURCE_MAP = re.compile(
    r"\n?(//# sourceMappingURL=\S+|/\*# sourceMappingURL=\S+ \*/)\s*$"
)


def copy_asset(source: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.suffix in {".js", ".css"}:
        dest.write_text(SOURCE_MAP.sub("\n", source.read_text()))
    else:
        shutil.copyfile(source, dest)


def npm_pack(spec: str, workdir: Path) -> Path:
    """Download one package tarball and unpack it; return its folder."""
    name = subprocess.run(
        ["npm", "pack", spec, "--silent", "--pack-destination", str(workdir)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[-1]
    target = workdir / spec.replace("/", "_")
    with tarfile.open(workdir / name) as archive:
        archive.extractall(target, filter="data")
    return target / "package"


def refresh() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        for spec, files in PACKAGES.items():
            package = npm_pack(spec, workdir)
            for source, dest in files.items():
                copy_asset(package / source, STATIC / dest)
            (STATIC / Path(next(iter(files.values()))).parent / "VERSION").write_text(
                spec + "\n"
            )
            print(f"vendored {spec}")

        package = npm_pack(REGIONS_PACKAGE, workdir)
        countries = json.loads((package / "countries.json").read_text())
        regions = {c["cca3"]: c["region"].lower() for c in countries}
        DATA.mkdir(exist_ok=True)
        (DATA / "country-regions.json").write_text(
            json.dumps(dict(sorted(regions.items())), indent=0) + "\n"
        )
        shutil.copyfile(package / "LICENSE", DATA / "country-regions.LICENSE")
        print(f"extracted regions from {REGIONS_PACKAGE}")


if __name__ == "__main__":
    refresh()
