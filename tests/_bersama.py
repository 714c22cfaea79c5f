"""The builds the slow tests share, made once per session (fixtures in ``conftest.py``).

A full build takes seconds; every test that only reads one asks for the shared
fixture instead of building again, and under pytest-xdist the tests of one
shared build run on one worker (``conftest.pytest_collection_modifyitems``).
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from conftest import _potret, _ubah_sel, lakip_cli

from lakip_calc.cli import main
from lakip_calc.paths import DATA

TAHUN = 2023


def build_bersama(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """One full build (with the report) of a copy of data/2023 (the ``build_bersama`` fixture).

    That the same data give the same bytes is checked by verifying it
    (``test_verifikasi``): a rebuild in another folder must match the HTML and
    the files beside it, and every output but three deliberately changed ones.
    """
    from lakip_calc.bangun.laporan import render_laporan
    from lakip_calc.bangun.pipeline import bangun

    akar = tmp_path_factory.mktemp("lakip-bersama")
    data = akar / "data"
    shutil.copytree(DATA / str(TAHUN), data / str(TAHUN))
    build = akar / "build"
    bangun(
        TAHUN,
        data_dir=data,
        build_dir=build,
        lapor=lambda _s: None,
        setelah_notebook=lambda d, s, t: render_laporan(d, s, tunggu_gambar=t),
    )
    return SimpleNamespace(akar=akar, data=data, build=build, folder=build / str(TAHUN))


def situs_bersama(tmp_path_factory: pytest.TempPathFactory, b: SimpleNamespace) -> SimpleNamespace:
    """The shared build ``b`` published into a temporary site folder (``situs_bersama``)."""
    situs = tmp_path_factory.mktemp("lakip-situs") / "_site"
    p = lakip_cli(
        "publikasi", "--tahun", str(TAHUN), "--build", str(b.build), "--situs", str(situs)
    )
    assert p.returncode == 0, p.stdout + p.stderr
    return SimpleNamespace(bangunan=b, situs=situs, keluaran=p.stdout)


# --------------------------------------------------------------------------- untrusted text

#: The payload of the issue: every markup language the report passes through.
MUATAN = (
    "*tebal* _miring_ #set text(red) $x^2$ [tautan](http://contoh.invalid) @tbl-psks "
    "{{< var laporan.tahun >}} `kode` | pipa | <b>x</b> &amp;"
)
PROGRAM = "<script>alert(1)</script>"
INDIKATOR = "IND " + MUATAN
#: Prose may carry var shortcodes and *emphasis*; everything else stays literal.
TEKS = (
    "TEKS <script>alert(2)</script> *tebal* _miring_ #set text(red) $x^2$ "
    "[tautan](http://contoh.invalid) @tbl-psks `kode` | pipa | <b>x</b> &amp; akhir"
)
VISI = (
    "VISI <script>alert(3)</script> #set text(red) $x^2$ [tautan](http://contoh.invalid) <b>x</b>"
)
#: The payloads of issue 21 on one line (a line break in a cell is refused by the loader).
SASARAN = (
    'SAS ``` {=html} <a href="javascript:alert(5)">x</a> <div onmouseover="alert(6)"> '
    '#show "2023": "X" ::: {.content-visible} {{< var laporan.tahun >}} $x$ <script>'
)
#: A YAML paragraph with line breaks: fences, a raw block, a div and a Typst rule.
PENUTUP = (
    'PENUTUP awal\n```{=html}\n<a href="javascript:alert(7)">x</a>\n```\n'
    ':::: {onmouseover="alert(8)"}\n#show "2023": "Y"\n::::\nakhir'
)


def _baris(path: Path, **sel: str) -> int:
    """Spreadsheet row number (header = 1) of the first row whose cells match ``sel``."""
    with path.open(encoding="utf-8", newline="") as f:
        for n, r in enumerate(csv.DictReader(f), 2):
            if all(r[k] == v for k, v in sel.items()):
                return n
    raise AssertionError((path.name, sel))


def build_curiga(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One build of a damaged copy of ``data/2023`` (the ``build_curiga`` fixture).

    The copy carries the markup payloads above (``test_keamanan``) and, for
    ``test_katalog``, two legal but suspicious facts: a target of 0 on the
    positive indicator IK2 and a realisasi above its pagu (``sub_kegiatan.csv``
    row 3). It is built once through the command line (``main``) with the
    built-in renderer; ``test_interupsi`` starts from a copy of it.
    """
    root = tmp_path_factory.mktemp("bersama")
    data_dir = root / "data"
    d = data_dir / "2023"
    shutil.copytree(DATA / "2023", d)
    _ubah_sel(d / "program.csv", 2, "nama", PROGRAM)
    _ubah_sel(d / "sub_kegiatan.csv", 2, "nama", MUATAN)
    _ubah_sel(d / "indikator.csv", _baris(d / "indikator.csv", kode="IK1"), "nama", INDIKATOR)
    lb = d / "teks" / "latar_belakang.md"
    lb.write_text(lb.read_text(encoding="utf-8") + "\n\n" + TEKS + "\n", encoding="utf-8")
    rp = d / "teks" / "renstra.yaml"
    renstra = yaml.safe_load(rp.read_text(encoding="utf-8"))
    renstra["visi"] = VISI
    rp.write_text(yaml.safe_dump(renstra, allow_unicode=True, sort_keys=False), encoding="utf-8")
    pp = d / "teks" / "penutup.yaml"
    penutup = yaml.safe_load(pp.read_text(encoding="utf-8"))
    penutup["penutup"] = PENUTUP
    pp.write_text(yaml.safe_dump(penutup, allow_unicode=True, sort_keys=False), encoding="utf-8")
    _ubah_sel(d / "sasaran.csv", 2, "nama", SASARAN)
    baris_ik2 = _baris(d / "indikator_tahunan.csv", kode_indikator="IK2", tahun="2023")
    _ubah_sel(d / "indikator_tahunan.csv", baris_ik2, "target", "0")
    with (d / "sub_kegiatan.csv").open(encoding="utf-8", newline="") as f:
        sub3 = list(csv.DictReader(f))[1]  # row 3
    _ubah_sel(d / "sub_kegiatan.csv", 3, "realisasi", str(int(sub3["pagu"]) + 1000))
    sebelum = _potret(data_dir)
    build_dir = root / "build"
    out, err = io.StringIO(), io.StringIO()
    lama = {k: os.environ.get(k) for k in ("CI", "RENDERER")}
    os.environ.update(CI="1", RENDERER="builtin")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(
                ["laporan", "--tahun", "2023", "--data", str(data_dir), "--build", str(build_dir)]
            )
    finally:
        for k, v in lama.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return dict(
        root=root,
        data_dir=data_dir,
        build=build_dir / "2023",
        status=status,
        stdout=out.getvalue(),
        stderr=err.getvalue(),
        data_tetap=_potret(data_dir) == sebelum,
        baris_ik2=baris_ik2,
        kode_lebih_pagu=sub3["kode"],
    )
