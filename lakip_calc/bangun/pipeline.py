"""Build a year: validate, run the notebooks in waves, merge the numbers, publish atomically.

The build happens in a staging folder next to ``build/<YEAR>``; only a build
that finished replaces the previous one (a rename), so an interrupted or failed
run leaves the last good ``build/<YEAR>`` untouched. A failed run keeps its
staging folder as ``build/<YEAR>-gagal`` so the partial notebook can be read.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import TYPE_CHECKING

from lakip_calc import paths
from lakip_calc.audit.manifest import keluaran_rusak
from lakip_calc.bangun.cache import (
    BERKAS_CACHE,
    baca_cache,
    dibaca_notebook,
    dibaca_sekarang,
    dibaca_tercatat,
    folder_tahun,
    kunci,
)
from lakip_calc.bangun.pekerja import Aba, jalankan_tugas
from lakip_calc.bangun.proses import (
    Dihentikan,
    folder_kernel,
    hentikan_kernel,
    kunci_tahun,
    titik_jeda,
)
from lakip_calc.bangun.runner import NotebookError, id_sel
from lakip_calc.bangun.sidik import hash_berkas, keadaan_git, sidik_kode
from lakip_calc.errors import LakipError
from lakip_calc.hitungan.angka import KumpulanAngka
from lakip_calc.masukan.dibaca import TIDAK_ADA
from lakip_calc.paths import BUILD, DATA, NOTEBOOKS, ROOT, folder_kerja, jalur_kerja, tampil

if TYPE_CHECKING:  # annotations only: the loader imports pandas, needed once the data is read
    from lakip_calc.masukan.loader import DataTahun

__all__ = [
    "Langkah",
    "LANGKAH",
    "gelombang",
    "urut_langkah",
    "bangun",
    "HasilBangun",
    "kunci_langkah",
    "kunci_render",
    "bagian_render",
]


@dataclass(frozen=True)
class Langkah:
    """One notebook of the pipeline.

    Attributes
    ----------
    notebook
        File name under ``notebooks/``. What data it reads is not declared: the
        loader records it as the notebook runs (:mod:`lakip_calc.bangun.cache`).
    setelah
        Notebooks whose outputs it reads.
    menulis
        What it writes under the build folder (besides its executed notebook):
        reused as they are when the step's cache key has not changed.
    gambar
        It writes pictures only (no numbers, no tables): the renderer prepares
        and parses the report while it still runs, and waits for it only before
        it places the images.
    """

    notebook: str
    setelah: tuple[str, ...] = ()
    menulis: tuple[str, ...] = ()
    gambar: bool = False


LANGKAH: tuple[Langkah, ...] = (
    Langkah("01_anggaran.ipynb", menulis=("bagian/anggaran.json",)),
    Langkah("02_kinerja.ipynb", menulis=("bagian/kinerja.json",)),
    Langkah("03_keluaran.ipynb", menulis=("bagian/keluaran.json",)),
    Langkah(
        "04_rekonsiliasi.ipynb",
        setelah=("01_anggaran.ipynb", "02_kinerja.ipynb", "03_keluaran.ipynb"),
        menulis=("reconciliation.csv", "bagian/rekonsiliasi.json"),
    ),
    Langkah(
        "05_grafik.ipynb",
        setelah=("01_anggaran.ipynb", "02_kinerja.ipynb"),
        menulis=("charts",),
        gambar=True,
    ),
    Langkah("06_tabel.ipynb", setelah=("04_rekonsiliasi.ipynb",), menulis=("tables",)),
)


def _graf(langkah: tuple[Langkah, ...] | list[Langkah]) -> TopologicalSorter:
    """The steps as a prepared graph (a step after the steps it reads, among ``langkah``)."""
    nama = {s.notebook for s in langkah}
    graf = TopologicalSorter({s.notebook: set(s.setelah) & nama for s in langkah})
    try:
        graf.prepare()
    except CycleError as e:
        raise LakipError("ketergantungan notebook melingkar: " + ", ".join(e.args[1])) from None
    return graf


def gelombang(langkah: tuple[Langkah, ...] = LANGKAH) -> list[list[Langkah]]:
    """Group the steps into waves: each wave only needs earlier waves' outputs."""
    per_nama = {s.notebook: s for s in langkah}
    graf = _graf(langkah)
    hasil: list[list[Langkah]] = []
    while graf.is_active():
        siap = sorted(graf.get_ready(), key=[s.notebook for s in langkah].index)
        hasil.append([per_nama[n] for n in siap])
        graf.done(*siap)
    return hasil


@dataclass
class HasilBangun:
    """Summary of a finished build."""

    tahun: int
    folder: Path
    notebook: list[tuple[str, float]] = field(default_factory=list)
    jumlah_angka: int = 0
    cocok: int = 0
    selisih: int = 0
    terbesar: list[str] = field(default_factory=list)
    detik: float = 0.0
    #: Inputs still blank in a draft build (0 in a final report).
    belum_diisi: int = 0
    #: Notebooks whose outputs were reused from the previous build (cache key unchanged).
    dipakai_ulang: list[str] = field(default_factory=list)
    #: Nothing changed since the previous build: no kernel started, nothing rendered.
    tanpa_perubahan: bool = False
    #: The report files were reused from the previous build.
    render_dipakai_ulang: bool = False
    #: Files of the previous build that were missing or changed (made again).
    dipulihkan: list[str] = field(default_factory=list)
    #: What the analyst should know (no git commit recorded, ...).
    peringatan: list[str] = field(default_factory=list)
    #: The validated data the build read (``None`` when nothing changed).
    data: DataTahun | None = field(default=None, repr=False)


def urut_langkah(langkah: tuple[Langkah, ...] = LANGKAH) -> list[Langkah]:
    """The steps wave by wave (an order in which every step follows what it reads)."""
    return [s for wave in gelombang(langkah) for s in wave]


class _Penjadwal:
    """Run notebooks, at most ``n`` at once, each on its own kernel.

    The order is :class:`graphlib.TopologicalSorter`'s: a notebook runs as
    soon as the notebooks it reads (``setelah``) have finished, not when a
    whole wave has. Steps outside ``jalan`` (reused from the cache) count as
    finished. Each notebook's client (papermill, nbclient) runs in a thread of
    a :class:`~concurrent.futures.ThreadPoolExecutor`
    (:func:`lakip_calc.bangun.pekerja.jalankan_tugas`); its code runs in its
    kernel, a process of its own whose connection file and sockets live in
    ``folder`` (:func:`lakip_calc.bangun.proses.folder_kernel`).

    One worker more than ``n`` takes the next notebook whose inputs are all
    being computed and starts its kernel ahead (jupyter_client's public
    ``start_kernel``, :func:`lakip_calc.bangun.runner.nyalakan_kernel`); the notebook
    runs on it once its inputs exist and fewer than ``n`` notebooks run. Each
    notebook's worker waits for one word (:class:`lakip_calc.bangun.pekerja.Aba`):
    run, or stop the kernel and do not run.

    On Ctrl-C nothing new starts and the notebooks already running are allowed
    to end, so that their kernels shut down cleanly; a second Ctrl-C, or
    SIGTERM, kills the kernels at once and their clients end with them. Should
    the build's process be killed, its kernels leave by themselves (ipykernel
    leaves when its parent does). A failed notebook stops the build after the
    notebooks running beside it have ended.
    """

    def __init__(self, jalan: list[Langkah], tugas: dict[str, tuple], n: int, folder: Path) -> None:
        self.tugas = tugas
        self.folder = folder
        self.graf = _graf(jalan)
        self.urutan = [s.notebook for s in jalan]
        self.setelah = {s.notebook: set(s.setelah) & set(self.urutan) for s in jalan}
        self.sisa = set(self.urutan)  # not finished
        self.siap: set[str] = set()  # inputs all finished (from the graph)
        self.diberi: set[str] = set()  # handed to a worker
        self.berjalan: set[str] = set()  # told to run, not finished
        self.n = max(1, min(n, len(jalan)))
        self.aba = {nm: Aba() for nm in self.urutan}
        self.pool: ThreadPoolExecutor | None = None
        self.dikirim: dict[Future, str] = {}

    def mulai(self) -> _Penjadwal:
        """Create the pool (its threads start as the first notebooks are handed out)."""
        if self.sisa:
            self.n_pekerja = min(self.n + 1, len(self.urutan))
            self.pool = ThreadPoolExecutor(self.n_pekerja, thread_name_prefix="notebook")
        return self

    def _bagikan(self) -> None:
        """Hand free workers the ready notebooks, then one whose inputs are being computed."""
        assert self.pool is not None
        self.siap |= set(self.graf.get_ready())
        while len(self.dikirim) < self.n_pekerja:
            belum = [nm for nm in self.urutan if nm not in self.diberi]
            calon = [nm for nm in belum if nm in self.siap] or [
                nm for nm in belum if self.setelah[nm] <= self.diberi
            ]
            if not calon:
                return
            self.diberi.add(calon[0])
            janji = self.pool.submit(jalankan_tugas, self.tugas[calon[0]], self.aba[calon[0]])
            self.dikirim[janji] = calon[0]

    def _beri_jalan(self, mulai: Callable[[str], None]) -> None:
        """Let run, in order, the handed-out notebooks whose inputs exist, while cores are free."""
        for nama in self.urutan:
            if len(self.berjalan) >= self.n:
                return
            if nama in self.siap and nama in self.diberi and nama in self.sisa:
                if nama not in self.berjalan:
                    self.berjalan.add(nama)
                    mulai(nama)
                    self.aba[nama].beri(True)

    def jalankan(
        self,
        mulai: Callable[[str], None],
        selesai: Callable[[str, float], None],
        kecuali: frozenset[str] = frozenset(),
    ) -> dict[str, float]:
        """Run the notebooks; the seconds each took, by name.

        Returns when every notebook not in ``kecuali`` has finished; those may
        still run (call again without ``kecuali`` to wait for them). The
        workers are gone once every notebook has finished, and on any error.
        """
        detik: dict[str, float] = {}
        if self.pool is None:
            return detik
        try:
            self._bagikan()
            self._beri_jalan(mulai)
            while self.dikirim and not self.sisa <= kecuali:
                beres, _ = wait(self.dikirim, return_when=FIRST_COMPLETED)
                for janji in sorted(beres, key=lambda j: self.dikirim[j]):
                    nama = self.dikirim.pop(janji)
                    detik[nama] = janji.result()
                    self.sisa.discard(nama)
                    self.berjalan.discard(nama)
                    self.graf.done(nama)
                    selesai(nama, detik[nama])
                self._bagikan()
                self._beri_jalan(mulai)
        except BaseException as e:
            self.tutup(segera=isinstance(e, Dihentikan))
            raise
        if not self.dikirim:
            self.tutup()
        return detik

    def tutup(self, segera: bool = False) -> None:
        """Start nothing new, wait for running notebooks (``segera``: stop them), end the workers.

        Kernels started ahead are told to stop. Safe to call more than once; a
        Ctrl-C while waiting (or SIGTERM) stops the running notebooks at once.
        """
        for aba in self.aba.values():
            aba.beri(False)
        if self.pool is not None:
            pool, self.pool = self.pool, None
            self._akhiri(pool, segera)

    def _akhiri(self, pool: ThreadPoolExecutor, segera: bool) -> None:
        try:
            if not segera:
                if self.dikirim:
                    titik_jeda("tutup")
                pool.shutdown(wait=True, cancel_futures=True)
                return
        except KeyboardInterrupt:
            self._hentikan(pool)
            raise
        self._hentikan(pool)

    def _hentikan(self, pool: ThreadPoolExecutor) -> None:
        """Kill the running kernels; their clients end within a second (nbclient checks)."""
        hentikan_kernel(self.folder)
        pool.shutdown(wait=True, cancel_futures=True)


def _gabung_angka(staging: Path, publik: str) -> KumpulanAngka:
    """Merge the notebooks' parts, stamping each number with its notebook and cell."""
    from lakip_calc.bangun.notebook import BAGIAN_ANGKA

    peta_nb: dict[str, str] = {}
    for nb in sorted((staging / "notebooks").glob("*.ipynb")):
        for sid in id_sel(nb):
            peta_nb.setdefault(sid, nb.name)
    semua = KumpulanAngka()
    for p in sorted((staging / BAGIAN_ANGKA).glob("*.json")):
        isi = json.loads(p.read_text(encoding="utf-8"))
        sel = isi["sel"]
        if sel not in peta_nb:
            raise LakipError(f"sel '{sel}' ({p.name}) tidak ditemukan di notebook mana pun")
        k = KumpulanAngka.from_json(json.dumps(isi["angka"]))
        k.tandai_notebook(f"{publik}/notebooks/{peta_nb[sel]}#{sel}")
        semua.gabung(k)
    return semua


def bangun(
    tahun: int,
    *,
    data_dir: Path | None = None,
    build_dir: Path | None = None,
    notebooks_dir: Path | None = None,
    langkah: tuple[Langkah, ...] = LANGKAH,
    paralel: int | None = None,
    lapor: Callable[[str], None] = print,
    progress: bool = False,
    setelah_notebook: Callable[[DataTahun, Path, Callable[[], None]], None] | None = None,
    draft: bool = False,
    folder_tercatat: str | None = None,
) -> HasilBangun:
    """Build ``build/<tahun>`` from ``data/<tahun>``.

    Parameters
    ----------
    tahun
        The report year (already validated as four digits).
    paralel
        Maximum notebooks running at once (default: :func:`paralel_bawaan`).
    lapor
        Where progress lines go (``print``; a no-op when quiet).
    setelah_notebook
        A hook ``(data, staging, tunggu_gambar)`` run on the staging folder after the
        numbers are merged (the report renderer plugs in here). Picture-only notebooks
        (``Langkah.gambar``) may still run: it calls ``tunggu_gambar()`` before reading them.
    draft
        Build even when inputs are still blank (:func:`loader.cek_kelengkapan`);
        without it such a year stops here, before any kernel starts, with
        :class:`loader.DataBelumLengkap` listing every missing cell.
    folder_tercatat
        The build folder the executed notebooks record as their ``out_dir`` (default: the
        folder built into): ``make verify`` rebuilds elsewhere under the name of the build
        it checks, so that equal means byte-equal.
    """
    r = _Rencana(
        tahun=tahun,
        data_root=data_dir or DATA,
        build_root=build_dir or BUILD,
        nb_dir=notebooks_dir or NOTEBOOKS,
        langkah=langkah,
        draft=draft,
        render=setelah_notebook is not None,
        folder_tercatat=folder_tercatat,
    )
    if r.tanpa_perubahan():
        return _hasil_tanpa_perubahan(r, lapor)
    data, kosong = _validasi(tahun, r.data_root, draft)  # before anything is written
    hasil = HasilBangun(tahun=tahun, folder=r.akhir, belum_diisi=len(kosong), data=data)
    _bangun(
        r,
        hasil,
        paralel=paralel or paralel_bawaan(),
        lapor=lapor,
        progress=progress,
        setelah_notebook=setelah_notebook,
    )
    return hasil


def _hasil_tanpa_perubahan(r: _Rencana, lapor: Callable[[str], None]) -> HasilBangun:
    """The result of a build that finds nothing changed since the last one: all reused."""
    lapor(f"Tidak ada perubahan sejak pembangunan terakhir: {tampil(r.akhir)} sudah mutakhir.")
    hasil = HasilBangun(tahun=r.tahun, folder=r.akhir, tanpa_perubahan=True)
    hasil.dipakai_ulang = [s.notebook for s in r.langkah]
    hasil.render_dipakai_ulang = r.kunci_r is not None
    hasil.detik = time.monotonic() - r.mulai
    return hasil


@dataclass
class _Rencana:
    """What a build is asked to do, and what the previous build offers for reuse."""

    tahun: int
    data_root: Path
    build_root: Path
    nb_dir: Path
    langkah: tuple[Langkah, ...]
    draft: bool
    render: bool
    #: The folder the executed notebooks record as their out_dir (verify: the checked build's).
    folder_tercatat: str | None = None
    mulai: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.akhir = self.build_root / str(self.tahun)
        self.staging = self.build_root / f".staging-{self.tahun}-{os.getpid()}"
        # Hashed once, before any notebook runs: the keys recorded at the end of the
        # build name the sources and code as they were when the notebooks started.
        self.kode = sidik_kode()
        self.sumber = {
            s.notebook: hash_berkas([self.nb_dir / s.notebook], self.nb_dir) for s in self.langkah
        }
        self.bagian_r = (
            bagian_render(self.data_root, self.tahun, self.draft, self.kode)
            if self.render
            else None
        )
        self.baca_lama()

    def baca_lama(self) -> None:
        """Read the previous build's cache, check its files against its manifest, and key
        each step on what its previous run read, as those paths are now."""
        self.cache_lama = baca_cache(self.akhir) if self.akhir.is_dir() else {}
        # Files of the previous build that are missing or differ from its manifest:
        # whatever holds them is made again, never reused.
        self.rusak = keluaran_rusak(self.akhir) if self.akhir.is_dir() else None
        folder = self.data_root / str(self.tahun)
        dibaca = dibaca_tercatat(self.cache_lama)
        self.kunci_nb = self.kunci_dari(
            {nb: dibaca_sekarang(folder, d) for nb, d in dibaca.items()}
        )
        self.kunci_r = self.kunci_render_dari(self.kunci_nb)

    def kunci_dari(self, dibaca: dict[str, dict[str, str]]) -> dict[str, str | None]:
        """The steps' keys given what each read (:func:`kunci_langkah`)."""
        return kunci_langkah(
            self.langkah,
            self.nb_dir,
            self.data_root,
            self.tahun,
            self.draft,
            dibaca,
            kode=self.kode,
            sumber=self.sumber,
        )

    def kunci_render_dari(self, kunci_nb: dict[str, str | None]) -> str | None:
        """The report's key given the steps' keys (``None`` when no report is rendered)."""
        return None if self.bagian_r is None else kunci_render(kunci_nb, self.bagian_r)

    def utuh(self, bagian: list[Path]) -> bool:
        """Whether the previous build holds ``bagian`` (files or folders) as its manifest says."""
        if self.rusak is None:
            return False
        awalan = tuple(b.as_posix() for b in bagian)
        return all((self.akhir / b).exists() for b in bagian) and not any(
            r == a or r.startswith(a + "/") for r in self.rusak for a in awalan
        )

    def tanpa_perubahan(self) -> bool:
        return (
            self.rusak == set()
            and self.cache_lama.get("langkah") == self.kunci_nb
            and self.cache_lama.get("render") == self.kunci_r
            and _lengkap(self.akhir, self.langkah, self.tahun, self.render)
        )

    def dipakai(self) -> list[Langkah]:
        """The steps whose outputs the previous build holds intact under the same key."""
        lama = self.cache_lama.get("langkah", {})
        return [
            s
            for s in urut_langkah(self.langkah)
            if self.kunci_nb[s.notebook] is not None  # no record of what it read: it runs
            and lama.get(s.notebook) == self.kunci_nb[s.notebook]
            and self.utuh(_keluaran(s))
        ]

    def laporan_lama(self) -> list[Path] | None:
        """The previous build's report files when they can be reused as they are."""
        ada = [b for b in _berkas_laporan(self.tahun) if (self.akhir / b).exists()]
        perlu = {Path(f"lakip-{self.tahun}.{ext}") for ext in ("html", "pdf", "docx")}
        if self.cache_lama.get("render") != self.kunci_r or not perlu <= set(ada):
            return None
        return ada if self.utuh(ada) else None


def _bangun(
    r: _Rencana,
    hasil: HasilBangun,
    *,
    paralel: int,
    lapor: Callable[[str], None],
    progress: bool,
    setelah_notebook: Callable[[DataTahun, Path, Callable[[], None]], None] | None,
) -> None:
    """:func:`bangun` once the data is validated: the year's lock, then staging, run, replace."""
    r.build_root.mkdir(parents=True, exist_ok=True)
    with kunci_tahun(r.build_root, r.tahun):  # one build of a year at a time
        r.baca_lama()  # as it is now that no other build can replace it
        _bangun_terkunci(r, hasil, paralel, lapor, progress, setelah_notebook)


def _bangun_terkunci(
    r: _Rencana,
    hasil: HasilBangun,
    paralel: int,
    lapor: Callable[[str], None],
    progress: bool,
    setelah_notebook: Callable[[DataTahun, Path, Callable[[], None]], None] | None,
) -> None:
    """:func:`bangun` under the year's lock: staging, run, replace."""
    if r.rusak:
        lapor(
            f"{tampil(r.akhir)} tidak sama dengan manifest.json-nya ({_daftar(r.rusak)}): "
            "bagian itu dibangun ulang."
        )
    _bersihkan_sisa(r.build_root, r.tahun)
    shutil.rmtree(r.staging, ignore_errors=True)
    r.staging.mkdir(parents=True)
    hasil.dipulihkan = sorted(r.rusak or ())
    try:
        with folder_kernel() as folder:
            _isi_staging(r, hasil, folder, paralel, lapor, progress, setelah_notebook)
        shutil.rmtree(r.build_root / f"{r.tahun}-gagal", ignore_errors=True)
        _ganti_atomik(r.staging, r.akhir)
    except BaseException as e:
        _simpan_gagal(r, e)
        raise


def _daftar(rusak: set[str], n: int = 5) -> str:
    nama = sorted(rusak)
    return ", ".join(nama[:n]) + (f" dan {len(nama) - n} lainnya" if len(nama) > n else "")


def _validasi(tahun: int, data_root: Path, draft: bool) -> tuple[DataTahun, list]:
    """Load and validate the year before anything is written or started."""
    from lakip_calc.masukan.loader import (
        DataBelumLengkap,
        cek_kelengkapan,
        muat_tahun,
        pesan_kelengkapan,
    )

    data = muat_tahun(tahun, data_root)  # full validation before any notebook runs
    kosong = cek_kelengkapan(data)
    if kosong and not draft:
        raise DataBelumLengkap(pesan_kelengkapan(data, kosong), kosong)
    return data, kosong


def _simpan_gagal(r: _Rencana, e: BaseException) -> None:
    """A failed build keeps its staging folder as ``<tahun>-gagal``; an interrupted one, none."""
    gagal = r.build_root / f"{r.tahun}-gagal"
    if isinstance(e, NotebookError | LakipError):
        shutil.rmtree(gagal, ignore_errors=True)
        if r.staging.exists():
            r.staging.rename(gagal)
        if isinstance(e, NotebookError):
            # the partial notebook is now in <tahun>-gagal, not in the staging folder
            pesan = str(e).replace(tampil(r.staging), tampil(gagal))
            raise NotebookError(
                f"{pesan} Keluaran sebelumnya di {tampil(r.akhir)} tidak diubah."
            ) from None
    else:
        shutil.rmtree(r.staging, ignore_errors=True)


def _isi_staging(
    r: _Rencana,
    hasil: HasilBangun,
    folder: Path,
    paralel: int,
    lapor: Callable[[str], None],
    progress: bool,
    setelah_notebook: Callable[[DataTahun, Path, Callable[[], None]], None] | None,
) -> None:
    """Run the notebooks and the renderer into the staging folder; write its manifest."""
    from lakip_calc.bangun.notebook import tulis_teks

    dipakai = r.dipakai()
    jalan = [s for s in urut_langkah(r.langkah) if s not in dipakai]
    params = {**param_data(r.tahun, r.data_root), "out_dir": jalur_kerja(r.staging, r.data_root)}
    ganti = {params["out_dir"]: r.folder_tercatat or jalur_kerja(r.akhir, r.data_root)}
    tugas = {
        s.notebook: (
            str(r.nb_dir / s.notebook),
            str(r.staging / "notebooks" / s.notebook),
            params,
            str(folder_kerja(r.data_root)),
            progress,
            ganti,
            str(folder),
        )
        for s in jalan
    }
    penjadwal = _Penjadwal(jalan, tugas, paralel, folder).mulai()
    try:
        log = _pakai_ulang(r, dipakai, hasil, lapor)
        _jalankan_dan_render(r, hasil, penjadwal, jalan, log, lapor, setelah_notebook)
        t0 = time.monotonic()
        from lakip_calc.audit.manifest import tulis_manifest

        m = tulis_manifest(hasil.data, r.staging)  # hashes of inputs and outputs, before the swap
        if (m.get("git") or {}).get("catatan"):
            hasil.peringatan.append(m["git"]["catatan"])
        log.append(
            _entri(
                "manifest", [f"{tampil(r.data_root)}/{r.tahun}/*", "keluaran"], "manifest.json", t0
            )
        )
        _tulis_cache(r)
        hasil.detik = time.monotonic() - r.mulai
        tulis_teks(r.staging / "build.log", _teks_log(log, hasil))
    except BaseException as e:
        penjadwal.tutup(segera=isinstance(e, Dihentikan))
        raise


def _tulis_cache(r: _Rencana) -> None:
    """Write cache.json: what each step's run read (its executed notebook says; a reused
    step's is its previous run's) and the keys on it, as the next build computes them."""
    from lakip_calc.bangun.notebook import tulis_teks

    dibaca = {s.notebook: dibaca_notebook(r.staging / "notebooks" / s.notebook) for s in r.langkah}
    kunci_nb = r.kunci_dari(dibaca)
    isi = {"langkah": kunci_nb, "dibaca": dibaca, "render": r.kunci_render_dari(kunci_nb)}
    tulis_teks(r.staging / BERKAS_CACHE, json.dumps(isi, indent=1, sort_keys=True) + "\n")


def _masukan_log(r: _Rencana, s: Langkah) -> list[str]:
    """build.log's inputs of a step that ran: the data paths its run recorded (folders it
    listed end in ``/``), then the notebooks whose outputs it read."""
    folder = tampil(r.data_root / str(r.tahun))
    jalur = [
        os.path.normpath(f"{folder}/{b}")
        + ("/" if b.endswith("/") else "")
        + (" (tidak ada)" if v == TIDAK_ADA else "")
        for b, v in dibaca_notebook(r.staging / "notebooks" / s.notebook).items()
    ]
    return jalur + list(s.setelah)


def _entri(langkah: str, masukan: list[str], keluaran: str, t0: float | None) -> dict:
    """One line of build.log (``t0`` None: reused, 0 seconds)."""
    detik = 0.0 if t0 is None else round(time.monotonic() - t0, 3)
    return {"langkah": langkah, "masukan": masukan, "keluaran": keluaran, "detik": detik}


def _pakai_ulang(
    r: _Rencana, dipakai: list[Langkah], hasil: HasilBangun, lapor: Callable[[str], None]
) -> list[dict]:
    """Copy the outputs of the steps reused from the previous build; their log lines."""
    log = []
    for i, s in enumerate(dipakai, 1):
        _salin_keluaran(r.akhir, r.staging, s)
        lapor(f"[{i}/{len(r.langkah)}] {s.notebook}: tidak berubah, hasil lama dipakai")
        hasil.dipakai_ulang.append(s.notebook)
        log.append(
            _entri(
                f"notebook {s.notebook}",
                ["kunci cache sama"],
                f"notebooks/{s.notebook} (dipakai ulang)",
                None,
            )
        )
    return log


def _jalankan_dan_render(
    r: _Rencana,
    hasil: HasilBangun,
    penjadwal: _Penjadwal,
    jalan: list[Langkah],
    log: list[dict],
    lapor: Callable[[str], None],
    setelah_notebook: Callable[[DataTahun, Path, Callable[[], None]], None] | None,
) -> None:
    """Run the notebooks, merge their numbers, render (or reuse) the report."""
    halaman = _Halaman(r) if setelah_notebook is not None else None
    pelapor = _pelapor_notebook(r, hasil, lapor, halaman)
    # Picture-only notebooks (charts) may still run while the report is
    # prepared and parsed; the renderer waits for them before the images.
    tunda = frozenset(s.notebook for s in jalan if s.gambar and setelah_notebook)
    selesai = penjadwal.jalankan(*pelapor, kecuali=tunda)
    posisi_log = len(log)
    tunggu_gambar = _TungguGambar(r, penjadwal, selesai, pelapor, halaman)
    log.append(_tulis_numbers(r, hasil))
    _ringkas_rekonsiliasi(r.staging, hasil)
    log.append(_render(r, hasil, tunggu_gambar, lapor, setelah_notebook))
    log[posisi_log:posisi_log] = _log_notebook(r, jalan, selesai)
    hasil.notebook += [(s.notebook, selesai[s.notebook]) for s in jalan]


_Pelapor = tuple[Callable[[str], None], Callable[[str, float], None]]


def _pelapor_notebook(
    r: _Rencana, hasil: HasilBangun, lapor: Callable[[str], None], halaman: _Halaman | None
) -> _Pelapor:
    """The progress lines of the notebooks run now: as each starts, and as each ends; as
    each ends, its page too (``halaman``), while the others still run."""
    nomor = iter(range(len(hasil.dipakai_ulang) + 1, len(r.langkah) + 1))

    def mulai_nb(nama: str) -> None:
        lapor(f"[{next(nomor)}/{len(r.langkah)}] menjalankan {nama} ...")

    def selesai_nb(nama: str, detik: float) -> None:
        lapor(f"      {nama} selesai ({detik:.1f} dtk)")
        if halaman is not None:
            halaman.tulis(nama)

    return mulai_nb, selesai_nb


class _Halaman:
    """The executed notebooks' HTML pages (:func:`lakip_calc.bangun.laporan.tulis_notebook_html`):
    each written as its notebook ends, the reused ones' before the report is rendered."""

    def __init__(self, r: _Rencana) -> None:
        self.r = r
        self.ditulis: set[str] = set()

    def tulis(self, nama: str) -> None:
        from lakip_calc.bangun.laporan import tulis_halaman_notebook

        tulis_halaman_notebook(self.r.staging / "notebooks" / nama, f"lakip-{self.r.tahun}")
        self.ditulis.add(nama)

    def sisanya(self) -> None:
        from lakip_calc.bangun.laporan import tulis_notebook_html

        tulis_notebook_html(self.r.staging, f"lakip-{self.r.tahun}", kecuali=self.ditulis)


class _TungguGambar:
    """The render hook's ``tunggu_gambar``: wait for the notebooks still running.

    Those are picture-only notebooks; they add no numbers (a number part that
    appears after numbers.json was merged is an error). The first call also
    writes the pages of the executed notebooks not written yet (``halaman``:
    the reused ones), which the companion links to, before the report embeds
    the list of delivered files.
    """

    def __init__(
        self,
        r: _Rencana,
        penjadwal: _Penjadwal,
        selesai: dict[str, float],
        pelapor: _Pelapor,
        halaman: _Halaman | None,
    ) -> None:
        from lakip_calc.bangun.notebook import BAGIAN_ANGKA

        self.r, self.penjadwal, self.selesai, self.pelapor = r, penjadwal, selesai, pelapor
        self.halaman = halaman  # the notebook pages still to be completed
        self.folder_bagian = r.staging / BAGIAN_ANGKA
        self.bagian = set(self.folder_bagian.glob("*.json"))  # the parts merged

    def __call__(self) -> None:
        self.selesai.update(self.penjadwal.jalankan(*self.pelapor))
        if self.halaman is not None:
            self.halaman.sisanya()
            self.halaman = None
        baru = sorted(set(self.folder_bagian.glob("*.json")) - self.bagian)
        if baru:
            raise LakipError(
                "notebook gambar menulis angka setelah numbers.json digabung: "
                + ", ".join(p.name for p in baru)
            )


def _tulis_numbers(r: _Rencana, hasil: HasilBangun) -> dict:
    """Merge the notebooks' number parts into numbers.json; its build.log line."""
    from lakip_calc.bangun.notebook import BAGIAN_ANGKA, tulis_teks

    t0 = time.monotonic()
    angka = _gabung_angka(r.staging, _nama_publik(r.akhir, r.tahun))
    tulis_teks(r.staging / "numbers.json", angka.to_json())
    hasil.jumlah_angka = len(angka)
    return _entri("gabung numbers.json", [f"{BAGIAN_ANGKA}/*.json"], "numbers.json", t0)


def _log_notebook(r: _Rencana, jalan: list[Langkah], selesai: dict[str, float]) -> list[dict]:
    """The build.log lines of the notebooks run now: what each read, how long it took."""
    return [
        _entri(
            f"notebook {s.notebook}",
            _masukan_log(r, s),
            f"notebooks/{s.notebook}",
            None,
        )
        | {"detik": round(selesai[s.notebook], 3)}
        for s in jalan
    ]


def _render(
    r: _Rencana,
    hasil: HasilBangun,
    tunggu_gambar: Callable[[], None],
    lapor: Callable[[str], None],
    setelah_notebook: Callable[[DataTahun, Path, Callable[[], None]], None] | None,
) -> dict:
    """Render the report into the staging folder, or reuse the previous one; its log line."""
    if setelah_notebook is None:
        tunggu_gambar()
        return _entri("render laporan", ["tidak diminta"], "-", None)
    lama = r.laporan_lama()
    if lama is not None:
        for b in lama:
            _salin(r.akhir / b, r.staging / b)
        tunggu_gambar()
        hasil.render_dipakai_ulang = True
        lapor("      laporan tidak berubah: berkas HTML, PDF dan DOCX lama dipakai")
        return _entri("render laporan", ["kunci cache sama"], "lakip-* (dipakai ulang)", None)
    t0 = time.monotonic()
    titik_jeda("render")
    assert hasil.data is not None
    setelah_notebook(hasil.data, r.staging, tunggu_gambar)
    tunggu_gambar()  # a renderer that had no images to wait for
    return _entri("render laporan", ["report/", "numbers.json"], "lakip-*", t0)


def paralel_bawaan() -> int:
    """Notebooks at once by default: the number of CPUs, or ``LAKIP_PARALEL`` when set
    (a regency build running several offices at once shares the CPUs among them)."""
    teks = os.environ.get("LAKIP_PARALEL", "")
    return int(teks) if teks.isdigit() and int(teks) > 0 else os.cpu_count() or 1


def _nama_publik(akhir: Path, tahun: int) -> str:
    """How numbers.json names the build folder: its path in the project (``build/<YEAR>``,
    ``build/<office>/<YEAR>``), or ``build/<YEAR>`` for a folder elsewhere (a test, a
    verification), so that the bytes do not depend on a temporary path."""
    try:
        return akhir.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return f"build/{tahun}"


def param_data(tahun: int, data_root: Path) -> dict[str, int | str]:
    """The year and data folder every notebook is given: the same in its run and its key."""
    return {"tahun": tahun, "data_dir": jalur_kerja(data_root, data_root)}


def kunci_langkah(
    langkah: tuple[Langkah, ...],
    nb_dir: Path,
    data_root: Path,
    tahun: int,
    draft: bool,
    dibaca: Mapping[str, Mapping[str, str]],
    *,
    kode: str | None = None,
    sumber: Mapping[str, str] | None = None,
) -> dict[str, str | None]:
    """The cache key of every step (see :mod:`lakip_calc.bangun.cache`), upstream keys included.

    ``dibaca`` holds, per notebook, the data paths a run of it read with what they
    held (:mod:`lakip_calc.masukan.dibaca`): when planning, what the paths its previous
    run recorded hold now (:func:`~lakip_calc.bangun.cache.dibaca_sekarang`); after a
    run, what the run recorded. A step with no entry, or downstream of one, has no
    key (``None``): it runs. ``kode`` and ``sumber`` (notebook hashes by name) are
    computed when not given.
    """
    kode = sidik_kode() if kode is None else kode
    params = {**param_data(tahun, data_root), "draft": draft}
    hasil: dict[str, str | None] = {}
    for s in urut_langkah(langkah):
        rekaman = dibaca.get(s.notebook)
        hulu = [hasil[h] for h in s.setelah]
        if rekaman is None or None in hulu:
            hasil[s.notebook] = None
            continue
        nb = sumber[s.notebook] if sumber else hash_berkas([nb_dir / s.notebook], nb_dir)
        hasil[s.notebook] = kunci("notebook", nb, params, sorted(rekaman.items()), kode, hulu)
    return hasil


def renderer_terpilih() -> str:
    """The renderer ``RENDERER`` picks on this machine, with Quarto's path and version."""
    from lakip_calc.render.quarto import choose_renderer, find_quarto

    if choose_renderer(os.environ.get("RENDERER", "auto")) == "builtin":
        return "builtin"
    info = find_quarto()
    return f"quarto {info.path} {info.version}" if info else "quarto"


def bagian_render(data_root: Path, tahun: int, draft: bool, kode: str | None = None) -> list:
    """What the report's key holds besides the steps' keys: report sources (those the
    renderer reads: ``paths.REPORT``), all the data (the report prints its text),
    code, git state, renderer, date and draft flag."""
    return [
        hash_berkas(sorted(paths.REPORT.glob("*.qmd")), paths.REPORT),
        hash_berkas(
            [
                ROOT / "_quarto.yml",
                ROOT / "_extensions",
                ROOT / "pyproject.toml",
            ],
            ROOT,
        ),
        hash_berkas(folder_tahun(data_root, tahun), data_root),
        sidik_kode() if kode is None else kode,
        keadaan_git(),
        renderer_terpilih(),
        os.environ.get("SOURCE_DATE_EPOCH", ""),
        draft,
    ]


def kunci_render(kunci_nb: Mapping[str, str | None], bagian: list) -> str:
    """The cache key of the rendered report: :func:`bagian_render` and the steps' keys."""
    return kunci("render", *bagian, sorted(kunci_nb.items()))


def _lengkap(akhir: Path, langkah: tuple[Langkah, ...], tahun: int, render: bool) -> bool:
    """Whether a previous build folder holds every output (so it can stand as it is)."""
    perlu = [akhir / "numbers.json", akhir / "manifest.json"]
    for s in langkah:
        perlu.append(akhir / "notebooks" / s.notebook)
        perlu += [akhir / m for m in s.menulis]
    if render:
        perlu += [akhir / f"lakip-{tahun}.{ext}" for ext in ("html", "pdf", "docx")]
    return all(p.exists() for p in perlu)


def _salin(dari: Path, ke: Path) -> None:
    ke.parent.mkdir(parents=True, exist_ok=True)
    if dari.is_dir():
        shutil.copytree(dari, ke)
    else:
        shutil.copy2(dari, ke)


def _keluaran(s: Langkah) -> list[Path]:
    return [Path("notebooks") / s.notebook, *(Path(m) for m in s.menulis)]


def _salin_keluaran(akhir: Path, staging: Path, s: Langkah) -> None:
    """Copy a step's outputs from the previous build (:meth:`_Rencana.utuh` said they are intact)."""
    for b in _keluaran(s):
        _salin(akhir / b, staging / b)


def _berkas_laporan(tahun: int) -> list[Path]:
    """The rendered report's files, its companion and its staged project, in a build folder."""
    return [
        *(Path(f"{nama}-{tahun}.{ext}") for nama in LAPORAN for ext in ("html", "pdf", "docx")),
        Path("proyek"),
    ]


#: Names of the rendered documents (the report and its companion, :mod:`lakip_calc.bangun.laporan`).
LAPORAN = ("lakip", "jejak-angka")


def _ringkas_rekonsiliasi(staging: Path, hasil: HasilBangun) -> None:
    import pandas as pd

    from lakip_calc.hitungan.rekonsiliasi import ringkasan

    p = staging / "reconciliation.csv"
    if p.exists():
        df = pd.read_csv(p, dtype=str, keep_default_na=False)
        hasil.cocok, hasil.selisih, hasil.terbesar = ringkasan(df)


def _teks_log(log: list[dict], hasil: HasilBangun) -> str:
    baris = [f"# build.log LAKIP {hasil.tahun}"]
    for e in log:
        baris.append(
            f"{e['langkah']}: {e['detik']:.3f} dtk; masukan: {', '.join(e['masukan'])}; keluaran: {e['keluaran']}"
        )
    baris.append(f"total: {hasil.detik:.3f} dtk")
    return "\n".join(baris) + "\n"


def _bersihkan_sisa(build_root: Path, tahun: int) -> None:
    """Remove staging folders left by builds that were killed (their process is gone).

    A build killed between the two renames of :func:`_ganti_atomik` leaves the
    previous build as ``.lama-<tahun>-<pid>`` and no ``<tahun>``: it is put back.
    """
    akhir = build_root / str(tahun)
    for p in sorted(build_root.glob(f".lama-{tahun}-*")) + sorted(
        build_root.glob(f".staging-{tahun}-*")
    ):
        try:
            pid = int(p.name.rsplit("-", 1)[1])
        except ValueError:
            continue
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            if p.name.startswith(".lama-") and not akhir.exists():
                p.rename(akhir)
            else:
                shutil.rmtree(p, ignore_errors=True)
        except PermissionError:
            pass


def _ganti_atomik(staging: Path, akhir: Path) -> None:
    """Replace ``akhir`` by ``staging`` with renames only."""
    lama = akhir.with_name(f".lama-{akhir.name}-{os.getpid()}")
    try:
        if akhir.exists():
            akhir.rename(lama)
        staging.rename(akhir)
    except BaseException:
        # interrupted (Ctrl-C) or failed between the renames: put the previous build back
        if lama.exists() and not akhir.exists():
            lama.rename(akhir)
        raise
    shutil.rmtree(lama, ignore_errors=True)
