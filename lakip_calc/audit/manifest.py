"""The build manifest: what went into a build and what came out, as SHA-256 hashes.

Orchestration (reads files, asks git and the installed packages); the pure core
never imports it. ``manifest.json`` is written into the build's staging folder
by :func:`lakip_calc.bangun.pipeline.bangun` just before the folder replaces
``build/<YEAR>``. It records:

``inputs``
    SHA-256 of every input file (:meth:`DataTahun.hash_berkas`), keyed by its
    path relative to the office's data folder that was read (``DATA``, or
    ``DATA/<office>`` in a regency folder): ``<YEAR>/<file>``
    (:func:`kunci_masukan`); an earlier year's file read for the history is
    ``<earlier YEAR>/<file>``.
``input_rows``
    per input file, a short hash (8 hex digits) of every row, separated by
    spaces: of each CSV record (the first is the header, so the ``i``-th hash
    is spreadsheet row ``i``) and of each line of a text file (line ``i``). It
    lets ``make verify`` name the row that changed even when no number
    depends on it.
``git``
    ``commit`` (``git rev-parse HEAD``; null outside a git checkout) and
    ``dirty`` (``git status --porcelain`` not empty; null outside a checkout).
``code_sha256``
    one SHA-256 over the pipeline's own sources (``lakip_calc/``,
    ``notebooks/``, ``report/``, ``_quarto.yml``, ``pyproject.toml``,
    ``requirements.lock``): with a dirty tree the commit alone does not say
    which code ran, this does.
``python``, ``packages``
    the interpreter and the versions of the key packages (and pandoc's).
``parameters``
    ``year``, ``renderer`` (null when nothing was rendered) and
    ``source_date_epoch`` (the date written into the report files).
``instansi``
    ``nama`` and ``pemerintah`` of the office, from its profile
    (``teks/profil.yaml``; null when absent): what a regency site lists.
``outputs``, ``excluded``
    SHA-256 of every file of the build, keyed by its path inside
    ``build/<YEAR>``, except the files listed in ``excluded``: ``manifest.json``
    itself and ``build.log`` (it has timings).

The HTML report carries a copy of the manifest in
``<script type="application/json" id="manifest-lakip">``. That copy is made
while the HTML is being finished, so it cannot contain the HTML's own hash: its
``outputs`` cover every file except the HTML (``excluded`` lists it too). A
second element, ``<script type="application/json" id="angka-lakip">``, holds
every number of ``numbers.json`` as ``key -> {"value", "text"}``, so that an
auditor who only has the HTML can verify it (``make verify HTML=...``).

The JSON is deterministic: sorted keys, UTF-8, one-space indent.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import platform
import posixpath
import re
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lakip_calc.bangun.berkas import sha256_berkas, tulis_atomik
from lakip_calc.bangun.sidik import hash_kode, info_git
from lakip_calc.errors import LakipError
from lakip_calc.masukan.profil import baca_profil
from lakip_calc.paths import tampil

if TYPE_CHECKING:  # the loader imports pandas: a no-op build only reads hashes
    from lakip_calc.masukan.loader import DataTahun

__all__ = [
    "SKEMA",
    "PAKET",
    "NAMA",
    "DIKECUALIKAN",
    "ID_MANIFEST",
    "ID_ANGKA",
    "versi_paket",
    "hash_masukan",
    "kunci_masukan",
    "hash_baris",
    "hash_keluaran",
    "keluaran_rusak",
    "buat_manifest",
    "ke_json",
    "tulis_manifest",
    "baca_manifest",
    "angka_ringkas",
    "sematkan_html",
    "baca_html",
    "fragmen_kolofon",
    "sha256_berkas",
]

SKEMA = "lakip-manifest/1"
NAMA = "manifest.json"
#: Files of a build that the manifest never hashes.
DIKECUALIKAN = (NAMA, "build.log")
#: Distribution names of the packages whose versions are recorded.
PAKET = (
    "pandas",
    "numpy",
    "matplotlib",
    "great-tables",
    "papermill",
    "pypandoc-binary",
    "typst",
    "nbformat",
    "nbconvert",
    "jupyter-client",
    "ipykernel",
    "openpyxl",
)
ID_MANIFEST = "manifest-lakip"
ID_ANGKA = "angka-lakip"

_PANJANG_BARIS = 8


# --------------------------------------------------------------------------- environment


def _versi_pandoc() -> str | None:
    try:
        import pypandoc

        return str(pypandoc.get_pandoc_version())
    except Exception:  # noqa: BLE001 - recorded as unknown, never fatal
        return None


def versi_paket() -> dict[str, str | None]:
    """Version of every package of :data:`PAKET` (None when not installed), and pandoc's."""
    hasil: dict[str, str | None] = {}
    for p in PAKET:
        try:
            hasil[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            hasil[p] = None
    hasil["pandoc"] = _versi_pandoc()
    return hasil


# --------------------------------------------------------------------------- hashes


def kunci_masukan(tahun: int, berkas: str) -> str:
    """The manifest key of an input file given relative to its year folder.

    >>> kunci_masukan(2023, "teks/profil.yaml"), kunci_masukan(2023, "../2022/keluaran.csv")
    ('2023/teks/profil.yaml', '2022/keluaran.csv')
    """
    return posixpath.normpath(f"{tahun}/{berkas}")


def hash_masukan(data: DataTahun) -> dict[str, str]:
    """SHA-256 of every input file, keyed ``<YEAR>/<file>`` (:func:`kunci_masukan`)."""
    return {kunci_masukan(data.tahun, b): h for b, h in data.hash_berkas().items()}


def _pendek(teks: str) -> str:
    return hashlib.sha256(teks.encode("utf-8")).hexdigest()[:_PANJANG_BARIS]


def baris_berkas(raw: bytes, nama: str) -> list[str]:
    """Short hashes of the rows of one input file (CSV records, or lines of text)."""
    teks = raw.decode("utf-8-sig", errors="replace")
    if nama.endswith(".csv"):
        try:
            rekaman = list(csv.reader(io.StringIO(teks, newline="")))
        except csv.Error:
            rekaman = [[b] for b in teks.splitlines()]
        return [_pendek(json.dumps(r, ensure_ascii=False)) for r in rekaman]
    return [_pendek(b) for b in teks.splitlines()]


def hash_baris(data: DataTahun) -> dict[str, str]:
    """Row hashes of every input file, space-separated, keyed ``<YEAR>/<file>``."""
    return {
        kunci_masukan(data.tahun, b): " ".join(baris_berkas((data.folder / b).read_bytes(), b))
        for b in data.berkas
    }


def hash_keluaran(folder: Path, kecuali: Iterable[str] = ()) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` (posix path inside it).

    Files and folders whose name starts with ``.`` (temporary files of a
    build in progress) and the paths in ``kecuali`` are left out.
    """
    keluar = set(DIKECUALIKAN) | set(kecuali)
    hasil: dict[str, str] = {}
    for p in sorted(Path(folder).rglob("*")):
        rel = p.relative_to(folder)
        if any(bag.startswith(".") for bag in rel.parts) or not p.is_file():
            continue
        kunci = rel.as_posix()
        if kunci in keluar:
            continue
        hasil[kunci] = sha256_berkas(p)
    return hasil


def keluaran_rusak(folder: Path) -> set[str] | None:
    """Files of the build in ``folder`` that differ from its ``manifest.json``.

    Missing, changed (per-file SHA-256) and unrecorded files, by their path
    inside the build; ``None`` when the manifest is missing or unreadable (then
    nothing of the build can be trusted). The cache file, written after the
    manifest, is not an output.
    """
    try:
        m = json.loads((Path(folder) / NAMA).read_text(encoding="utf-8"))
        dicatat = dict(m["outputs"])
        kecuali = set(m.get("excluded") or DIKECUALIKAN)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    ada = hash_keluaran(folder, kecuali | {"cache.json"})
    return {p for p in set(dicatat) | set(ada) if dicatat.get(p) != ada.get(p)} - {"cache.json"}


# --------------------------------------------------------------------------- the manifest


def _instansi(data: DataTahun) -> dict[str, str | None]:
    """The office's name and government from its profile."""
    p = baca_profil(data.teks, tampil(data.folder))
    return {"nama": p.instansi, "pemerintah": p.pemerintah}


def manifest_masukan(
    data: DataTahun, *, renderer: Mapping[str, str] | None = None, epoch: int | str | None = None
) -> dict[str, Any]:
    """Everything the manifest records before any output exists.

    ``renderer``: its name (``nama``: quarto or builtin) and the versions of the
    programs that rendered (Quarto, pandoc, Typst).
    """
    return {
        "schema": SKEMA,
        "parameters": {
            "year": data.tahun,
            "renderer": None if renderer is None else dict(renderer),
            "source_date_epoch": None if epoch is None else int(epoch),
        },
        "instansi": _instansi(data),
        "git": info_git(),
        "code_sha256": hash_kode(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "packages": versi_paket(),
        "inputs": hash_masukan(data),
        "input_rows": hash_baris(data),
    }


def buat_manifest(
    data: DataTahun,
    folder: Path,
    *,
    renderer: Mapping[str, str] | None = None,
    epoch: int | str | None = None,
    kecuali: Iterable[str] = (),
) -> dict[str, Any]:
    """The manifest of the build in ``folder`` (outputs except ``kecuali``)."""
    m = manifest_masukan(data, renderer=renderer, epoch=epoch)
    keluar = sorted(set(DIKECUALIKAN) | set(kecuali))
    m["outputs"] = hash_keluaran(folder, keluar)
    m["excluded"] = keluar
    return m


def ke_json(m: Mapping[str, Any]) -> str:
    """Deterministic JSON text of a manifest."""
    return json.dumps(m, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def tulis_manifest(data: DataTahun, folder: Path) -> dict[str, Any]:
    """Write ``folder/manifest.json`` and return it.

    When the HTML report carries its copy of the manifest, that copy is the
    base (renderer, report date, environment and input hashes as they were
    when the report was made), so that ``manifest.json`` equals the embedded
    copy plus the HTML's own hash. Otherwise everything is computed now, with
    ``renderer`` and ``source_date_epoch`` null.
    """
    html = Path(folder) / f"lakip-{data.tahun}.html"
    tertanam: dict[str, Any] | None = None
    if html.exists():
        try:
            tertanam, _ = baca_html(html)
        except LakipError:  # an HTML made by another hook, without the embedded copy
            tertanam = None
    if tertanam is not None and tertanam.get("parameters", {}).get("year") == data.tahun:
        m = {k: v for k, v in tertanam.items() if k not in ("outputs", "excluded")}
        m["outputs"] = hash_keluaran(folder, DIKECUALIKAN)
        m["excluded"] = sorted(DIKECUALIKAN)
    else:
        m = buat_manifest(data, folder)
    tulis_atomik(Path(folder) / NAMA, ke_json(m).encode("utf-8"))
    return m


def baca_manifest(path: Path) -> dict[str, Any]:
    """Read a ``manifest.json``; a missing or broken one is a LakipError."""
    try:
        m = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LakipError(
            f"manifest tidak ada: {path}. Bangun laporan dulu (make report)."
        ) from None
    except (OSError, ValueError) as e:
        raise LakipError(f"manifest tidak dapat dibaca: {path} ({e})") from None
    if not isinstance(m, dict) or m.get("schema") != SKEMA:
        raise LakipError(f"{path} bukan manifest LAKIP ({SKEMA}).")
    return m


# --------------------------------------------------------------------------- HTML embedding


def angka_ringkas(numbers: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """``key -> {"value", "text"}`` of the records of ``numbers.json``."""
    return {d["key"]: {"value": d["value"], "text": d["text"]} for d in numbers}


def _json_skrip(isi: Any) -> str:
    """JSON safe inside ``<script>``: no ``<``, ``>`` or ``&`` characters."""
    teks = json.dumps(isi, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return teks.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _elemen(id_: str, isi: Any) -> str:
    return f'<script type="application/json" id="{id_}">{_json_skrip(isi)}</script>\n'


def sematkan_html(html: Path, manifest: Mapping[str, Any], numbers: list[dict[str, Any]]) -> None:
    """Put the manifest and the numbers into the HTML report, just before ``</body>``."""
    teks = Path(html).read_text(encoding="utf-8")
    for id_ in (ID_MANIFEST, ID_ANGKA):
        if f'id="{id_}"' in teks:
            raise LakipError(f'{Path(html).name} sudah memuat elemen id="{id_}"')
    akhir = teks.rfind("</body>")
    if akhir < 0:
        raise LakipError(f"{Path(html).name}: tag </body> tidak ditemukan")
    sisip = _elemen(ID_MANIFEST, manifest) + _elemen(ID_ANGKA, angka_ringkas(numbers))
    tulis_atomik(html, (teks[:akhir] + sisip + teks[akhir:]).encode("utf-8"))


def _ambil(teks: str, id_: str, nama: str) -> Any:
    m = re.search(
        rf'<script type="application/json" id="{re.escape(id_)}">(.*?)</script>', teks, re.S
    )
    if not m:
        raise LakipError(
            f'{nama} tidak memuat <script id="{id_}">: '
            "bukan laporan LAKIP yang diterbitkan pipeline ini?"
        )
    try:
        return json.loads(m.group(1))
    except ValueError as e:
        raise LakipError(f'{nama}: isi <script id="{id_}"> bukan JSON yang sah ({e})') from None


def baca_html(html: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The manifest and the numbers embedded in an HTML report."""
    try:
        teks = Path(html).read_text(encoding="utf-8")
    except OSError as e:
        raise LakipError(f"berkas HTML tidak dapat dibaca: {html} ({e.strerror or e})") from None
    m = _ambil(teks, ID_MANIFEST, Path(html).name)
    if not isinstance(m, dict) or m.get("schema") != SKEMA:
        raise LakipError(f"{Path(html).name}: manifest tertanam bukan {SKEMA}")
    return m, _ambil(teks, ID_ANGKA, Path(html).name)


# --------------------------------------------------------------------------- colophon


def teks_renderer(m: Mapping[str, Any]) -> str:
    """The renderer and its programs' versions, as the colophon names them."""
    r = (m.get("parameters") or {}).get("renderer") or {}
    if not r:
        return "tidak tercatat"
    nama = {"quarto": "Quarto", "builtin": "renderer bawaan lakip_calc"}.get(r.get("nama"), "?")
    versi = ", ".join(f"{k} {v}" for k, v in sorted(r.items()) if k != "nama" and v)
    return f"{nama} ({versi})" if versi else nama


def fragmen_kolofon(m: Mapping[str, Any], digit: int = 16) -> str:
    """The colophon of the report (Markdown, every value escaped)."""
    from lakip_calc.isi.narasi import md_aman

    git = m.get("git") or {}
    if git.get("commit"):
        commit = md_aman(git["commit"])
        status = {
            True: "ada perubahan yang belum di-commit saat laporan dibangun",
            False: "bersih (tidak ada perubahan yang belum di-commit)",
            None: "tidak diketahui",
        }[git.get("dirty")]
    else:
        sebab = (git.get("catatan") or "bukan checkout git").split(":")[0]
        commit = f"tidak tercatat ({md_aman(sebab)})"
        status = "tidak diketahui"
    paket = m.get("packages") or {}
    daftar = ", ".join(
        f"{md_aman(k)} {md_aman(v if v is not None else 'tidak terpasang')}"
        for k, v in sorted(paket.items())
    )
    baris = [
        f"- Commit kode: {commit}",
        f"- Dirender dengan: {md_aman(teks_renderer(m))}",
        f"- Status pohon kerja: {md_aman(status)}",
        f"- Sidik jari kode sumber pipeline (SHA-256, {digit} karakter pertama): "
        f"{md_aman((m.get('code_sha256') or '-')[:digit])}",
        f"- Python: {md_aman(m.get('python', ''))}",
        f"- Versi paket: {daftar}",
        "",
        f"| Berkas data | SHA-256 ({digit} karakter pertama) |",
        "|:--|:--|",
    ]
    for berkas, h in sorted((m.get("inputs") or {}).items()):
        baris.append(f"| {md_aman(berkas)} | {md_aman(h[:digit])} |")
    return "\n".join(baris) + "\n"
