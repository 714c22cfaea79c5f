"""Build a year: validate, run the notebooks in waves, merge the numbers, publish atomically.

The build happens in a staging folder next to ``build/<YEAR>``; only a build
that finished replaces the previous one (a rename), so an interrupted or failed
run leaves the last good ``build/<YEAR>`` untouched. A failed run keeps its
staging folder as ``build/<YEAR>-gagal`` so the partial notebook can be read.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lakip_calc.angka import KumpulanAngka
from lakip_calc.cache import (
    BERKAS_CACHE,
    baca_cache,
    berkas_data,
    hash_berkas,
    keadaan_git,
    kunci,
    sidik_kode,
)
from lakip_calc.errors import LakipError
from lakip_calc.induk_kernel import IndukKernel
from lakip_calc.paths import BUILD, NOTEBOOKS, ROOT, tampil
from lakip_calc.proses import bekal, hentikan, pool_pekerja, serahkan
from lakip_calc.runner import NotebookError, id_sel, jalankan_notebook, nyalakan_kernel

if TYPE_CHECKING:  # the loader imports pandas: not before the workers have forked
    from lakip_calc.loader import DataTahun

__all__ = [
    "Langkah",
    "LANGKAH",
    "gelombang",
    "urut_langkah",
    "bangun",
    "HasilBangun",
    "kunci_langkah",
    "kunci_render",
]


@dataclass(frozen=True)
class Langkah:
    """One notebook of the pipeline.

    Attributes
    ----------
    notebook
        File name under ``notebooks/``.
    membaca
        Data files (relative to ``data/<YEAR>``) it reads; ``*`` for all.
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
    membaca: tuple[str, ...]
    setelah: tuple[str, ...] = ()
    menulis: tuple[str, ...] = ()
    gambar: bool = False


LANGKAH: tuple[Langkah, ...] = (
    Langkah(
        "01_anggaran.ipynb",
        ("program.csv", "kegiatan.csv", "sub_kegiatan.csv", "anggaran_riwayat.csv"),
        menulis=("bagian/anggaran.json",),
    ),
    Langkah(
        "02_kinerja.ipynb",
        (
            "sasaran.csv",
            "indikator.csv",
            "indikator_tahunan.csv",
            "skala_predikat.csv",
            "skala_kategori.csv",
            "dukungan.csv",
            "program.csv",
            "kegiatan.csv",
            "sub_kegiatan.csv",
        ),
        menulis=("bagian/kinerja.json",),
    ),
    Langkah("03_keluaran.ipynb", ("keluaran.csv", "psks.csv"), menulis=("bagian/keluaran.json",)),
    Langkah(
        "04_rekonsiliasi.ipynb",
        (
            "angka_terbit.csv",
            "skala_predikat.csv",
            "program.csv",
            "kegiatan.csv",
            "sub_kegiatan.csv",
        ),
        setelah=("01_anggaran.ipynb", "02_kinerja.ipynb", "03_keluaran.ipynb"),
        menulis=("reconciliation.csv", "bagian/rekonsiliasi.json"),
    ),
    Langkah(
        "05_grafik.ipynb",
        ("indikator.csv", "indikator_tahunan.csv", "program.csv"),
        setelah=("01_anggaran.ipynb", "02_kinerja.ipynb"),
        menulis=("charts",),
        gambar=True,
    ),
    Langkah(
        "06_tabel.ipynb",
        ("*",),
        setelah=("04_rekonsiliasi.ipynb",),
        menulis=("tables",),
    ),
)


def gelombang(langkah: tuple[Langkah, ...] = LANGKAH) -> list[list[Langkah]]:
    """Group the steps into waves: each wave only needs earlier waves' outputs."""
    selesai: set[str] = set()
    sisa = list(langkah)
    hasil: list[list[Langkah]] = []
    while sisa:
        siap = [s for s in sisa if set(s.setelah) <= selesai]
        if not siap:
            raise LakipError(
                "ketergantungan notebook melingkar: " + ", ".join(s.notebook for s in sisa)
            )
        hasil.append(siap)
        selesai |= {s.notebook for s in siap}
        sisa = [s for s in sisa if s not in siap]
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
    #: The validated data the build read (``None`` when nothing changed).
    data: DataTahun | None = field(default=None, repr=False)


def urut_langkah(langkah: tuple[Langkah, ...] = LANGKAH) -> list[Langkah]:
    """The steps wave by wave (an order in which every step follows what it reads)."""
    return [s for wave in gelombang(langkah) for s in wave]


class _Penjadwal:
    """Run notebooks in worker processes (never in this process), at most ``n`` at once.

    A notebook starts as soon as the notebooks it reads (``setelah``) have
    finished, not when a whole wave has: on two cores the charts draw while
    the reconciliation runs, and a short notebook does not wait for a long
    one of the same wave. Steps outside ``jalan`` (reused from the cache) count
    as finished.

    One worker more than ``n`` starts the kernel of the next notebook ahead
    (:func:`lakip_calc.runner.nyalakan_kernel`) while the notebooks it reads
    still run; the notebook itself starts only when they have finished and
    fewer than ``n`` notebooks run. A chain of notebooks then waits for cells,
    not for kernel starts. The kernels are forked from one template
    (:class:`lakip_calc.induk_kernel.IndukKernel`) that imports ipykernel and
    pandas once for all of them. :meth:`mulai` already starts the template
    and the first kernels, so that they start while the build validates the
    data; no notebook runs before :meth:`jalankan`.

    On Ctrl-C nothing new starts, kernels started ahead are stopped, and the
    notebooks already running are allowed to end, so that their kernels shut
    down cleanly; a second Ctrl-C stops the workers at once. A failed notebook
    stops the build after the notebooks running beside it have ended. A worker
    whose build process was killed leaves by itself
    (:func:`lakip_calc.proses.awasi_induk`); the template kills the kernel of
    a worker that is gone, and leaves, with every kernel it still runs, once
    the build process is gone.
    """

    def __init__(self, jalan: list[Langkah], tugas: dict[str, tuple], n: int) -> None:
        self.tugas = tugas
        self.urutan = [s.notebook for s in jalan]
        nama_jalan = set(self.urutan)
        self.menunggu = {s.notebook: set(s.setelah) & nama_jalan for s in jalan}
        self.n_jalan = max(1, min(n, len(jalan)))
        self.n_pekerja = min(self.n_jalan + 1, len(jalan))
        # One pipe per notebook, inherited by the forked workers: its worker reads
        # one byte, b"1" (run) or b"0" (stop the kernel, do not run). A byte
        # written is never half-written, whatever signal arrives meanwhile.
        self.pipa = {nm: os.pipe() for nm in self.urutan}
        self.terkirim: set[str] = set()
        self.ctx = multiprocessing.get_context("fork")
        self.tumpukan = ExitStack()
        self.ex: ProcessPoolExecutor | None = None
        self.dikirim: dict[Future, str] = {}  # in a worker: kernel starting or notebook running
        self.berjalan: set[str] = set()  # told to run
        self.belum = list(self.urutan)  # not yet handed to a worker, in wave order

    def mulai(self) -> _Penjadwal:
        """Start the workers and the kernels of the notebooks that can start first."""
        if self.urutan:
            # The kernels are forked from one template that imports ipykernel,
            # pandas and lakip_calc while the workers start (closed after them).
            induk = self.tumpukan.enter_context(IndukKernel(cwd=ROOT))
            self.ex = self.tumpukan.enter_context(
                pool_pekerja(
                    self.n_pekerja,
                    self.ctx,
                    bekal=({nm: r for nm, (r, _w) in self.pipa.items()}, induk.alamat),
                )
            )
            # Only as many kernels as will run first: they start while the data is
            # validated, on the same cores.
            self._bagikan(self.n_jalan)
        return self

    def _bagikan(self, batas: int | None = None) -> None:
        # Hand out free workers: ready notebooks first, then the next one whose
        # inputs are all being computed (its kernel starts ahead).
        assert self.ex is not None
        while len(self.dikirim) < (batas or self.n_pekerja):
            ada = set(self.dikirim.values())
            calon = [nm for nm in self.belum if not self.menunggu[nm]] or [
                nm for nm in self.belum if self.menunggu[nm] <= ada
            ]
            if not calon:
                break
            self.belum.remove(calon[0])
            (janji,) = serahkan(self.ex, _jalankan, [self.tugas[calon[0]]])
            self.dikirim[janji] = calon[0]

    def jalankan(
        self,
        mulai: Callable[[str], None],
        selesai: Callable[[str, float], None],
        kecuali: frozenset[str] = frozenset(),
    ) -> dict[str, float]:
        """Run the notebooks; the seconds each took (from its first cell), by name.

        Returns when every notebook not in ``kecuali`` has finished; those may
        still run (call again without ``kecuali`` to wait for them). The
        workers are gone once every notebook has finished, and on any error.
        """
        detik: dict[str, float] = {}
        if self.ex is None:
            return detik
        try:

            def beri_jalan() -> None:
                # Let run, in wave order, what has its inputs, while cores are free.
                for nama in self.urutan:
                    if len(self.berjalan) >= self.n_jalan:
                        break
                    siap = nama in self.dikirim.values() and not self.menunggu[nama]
                    if siap and nama not in self.berjalan:
                        self.berjalan.add(nama)
                        mulai(nama)
                        self._kirim(nama, b"1")

            beri_jalan()
            self._bagikan()  # the next notebook's kernel, now that the data has passed
            while self.dikirim and not set(self.dikirim.values()) | set(self.belum) <= kecuali:
                beres, _ = wait(self.dikirim, return_when=FIRST_COMPLETED)
                for janji in sorted(beres, key=lambda j: self.dikirim[j]):
                    nama = self.dikirim.pop(janji)
                    self.berjalan.discard(nama)
                    detik[nama] = janji.result()[1]
                    selesai(nama, detik[nama])
                    for tunggu in self.menunggu.values():
                        tunggu.discard(nama)
                self._bagikan()
                beri_jalan()
        except BaseException:
            self.tutup()
            raise
        if self.dikirim:
            return detik  # only notebooks in ``kecuali`` are left, running
        self.tutup()
        if self.belum:  # cannot happen for steps that gelombang() accepted
            raise LakipError("notebook tidak dapat dijalankan: " + ", ".join(sorted(self.belum)))
        return detik

    def tutup(self) -> None:
        """Stop the kernels still waiting to run, wait for running notebooks, end the workers.

        Safe to call more than once; a Ctrl-C while waiting stops the workers at once.
        """
        # Kernels started ahead wait for a go that will not come: tell them to stop.
        for nama in self.urutan:
            self._kirim(nama, b"0")
        if self.ex is not None:
            ex, self.ex = self.ex, None
            try:
                self.tumpukan.close()
            except KeyboardInterrupt:
                hentikan(ex)
                raise
        for r, w in self.pipa.values():
            for fd in (r, w):
                try:
                    os.close(fd)
                except OSError:
                    pass  # closed by an earlier call
        self.pipa = {}

    def _kirim(self, nama: str, isi: bytes) -> None:
        if nama not in self.terkirim and nama in self.pipa:
            self.terkirim.add(nama)
            os.write(self.pipa[nama][1], isi)


def _jalankan(args: tuple[str, str, dict, str, bool, dict]) -> tuple[str, float]:
    """In a worker: start the kernel, wait for the go (:class:`_Penjadwal`), run."""
    sumber, hasil, params, cwd, progress, ganti = args
    import papermill  # noqa: F401  (imported while the notebooks it reads still run)

    nama = Path(sumber).name
    pipa, induk = bekal()
    try:
        kernel = nyalakan_kernel(Path(cwd), induk=induk)
    except NotebookError as e:
        raise NotebookError(f"notebook {nama} tidak dapat dijalankan: {e}.") from None
    if os.read(pipa[nama], 1) != b"1":  # b"0": the build stops
        kernel.matikan()
        return nama, 0.0
    h = jalankan_notebook(
        Path(sumber),
        Path(hasil),
        params,
        cwd=Path(cwd),
        progress=progress,
        ganti=ganti,
        kernel=kernel,
    )
    return nama, h.detik


def _gabung_angka(staging: Path, publik: str) -> KumpulanAngka:
    """Merge the notebooks' parts, stamping each number with its notebook and cell."""
    from lakip_calc.notebook import BAGIAN_ANGKA

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
        A hook run on the staging folder after the numbers are merged (the
        report renderer plugs in here): ``(data, staging, tunggu_gambar)``.
        Picture-only notebooks (``Langkah.gambar``) may still run when it
        starts; it calls ``tunggu_gambar()`` before it reads their files.
    draft
        Build even when inputs are still blank (:func:`loader.cek_kelengkapan`);
        without it such a year stops here, before any kernel starts, with
        :class:`loader.DataBelumLengkap` listing every missing cell.
    folder_tercatat
        The build folder the executed notebooks record as their ``out_dir``
        (default: the folder built into). ``make verify`` rebuilds elsewhere
        under the name of the build it checks, so that equal means byte-equal.
    """
    mulai = time.monotonic()
    data_root = data_dir or (ROOT / "data")
    build_root = build_dir or BUILD
    nb_dir = notebooks_dir or NOTEBOOKS
    akhir = build_root / str(tahun)
    kunci_nb = kunci_langkah(langkah, nb_dir, data_root, tahun, draft)
    kunci_r = kunci_render(data_root, tahun, kunci_nb, draft) if setelah_notebook else None
    cache_lama = baca_cache(akhir) if akhir.is_dir() else {}
    if (
        cache_lama.get("langkah") == kunci_nb
        and cache_lama.get("render") == kunci_r
        and _lengkap(akhir, langkah, tahun, setelah_notebook is not None)
    ):
        lapor(f"Tidak ada perubahan sejak pembangunan terakhir: {tampil(akhir)} sudah mutakhir.")
        hasil = HasilBangun(tahun=tahun, folder=akhir, tanpa_perubahan=True)
        hasil.dipakai_ulang = [s.notebook for s in langkah]
        hasil.render_dipakai_ulang = kunci_r is not None
        hasil.detik = time.monotonic() - mulai
        return hasil
    staging = build_root / f".staging-{tahun}-{os.getpid()}"
    params = {"tahun": tahun, "data_dir": tampil(data_root), "out_dir": tampil(staging)}
    ganti = {tampil(staging): folder_tercatat or tampil(akhir)}
    dipakai = [
        s
        for s in urut_langkah(langkah)
        if cache_lama.get("langkah", {}).get(s.notebook) == kunci_nb[s.notebook]
        and _ada_keluaran(akhir, s)
    ]
    jalan = [s for s in urut_langkah(langkah) if s not in dipakai]
    tugas = {
        s.notebook: (
            str(nb_dir / s.notebook),
            str(staging / "notebooks" / s.notebook),
            params,
            str(ROOT),
            progress,
            ganti,
        )
        for s in jalan
    }
    # The first kernels start while the data is validated; no notebook runs on
    # data that fails, and nothing is written before it passes.
    penjadwal = _Penjadwal(jalan, tugas, paralel or paralel_bawaan()).mulai()
    try:
        from lakip_calc.loader import (
            DataBelumLengkap,
            cek_kelengkapan,
            muat_tahun,
            pesan_kelengkapan,
        )

        data = muat_tahun(tahun, data_root)  # full validation before any notebook runs
        kosong = cek_kelengkapan(data)
        if kosong and not draft:
            raise DataBelumLengkap(pesan_kelengkapan(data, kosong), kosong)
    except BaseException:
        penjadwal.tutup()
        raise

    build_root.mkdir(parents=True, exist_ok=True)
    _bersihkan_sisa(build_root, tahun)
    gagal = build_root / f"{tahun}-gagal"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    log: list[dict] = []
    hasil = HasilBangun(tahun=tahun, folder=akhir, belum_diisi=len(kosong), data=data)
    try:
        nomor = iter(range(1, len(langkah) + 1))
        for s in dipakai:
            _salin_keluaran(akhir, staging, s)
            lapor(f"[{next(nomor)}/{len(langkah)}] {s.notebook}: tidak berubah, hasil lama dipakai")
            hasil.dipakai_ulang.append(s.notebook)
            log.append(
                {
                    "langkah": f"notebook {s.notebook}",
                    "masukan": ["kunci cache sama"],
                    "keluaran": f"notebooks/{s.notebook} (dipakai ulang)",
                    "detik": 0.0,
                }
            )

        def mulai_nb(nama: str) -> None:
            lapor(f"[{next(nomor)}/{len(langkah)}] menjalankan {nama} ...")

        def selesai_nb(nama: str, detik: float) -> None:
            lapor(f"      {nama} selesai ({detik:.1f} dtk)")

        # Picture-only notebooks (charts) may still run while the report is
        # prepared and parsed; the renderer waits for them before the images.
        tunda = frozenset(s.notebook for s in jalan if s.gambar and setelah_notebook)
        selesai = penjadwal.jalankan(mulai_nb, selesai_nb, kecuali=tunda)

        from lakip_calc.notebook import BAGIAN_ANGKA, tulis_teks

        posisi_log = len(log)
        bagian = sorted((staging / BAGIAN_ANGKA).glob("*.json"))

        def tunggu_gambar() -> None:
            """Wait for the notebooks still running (pictures only); they add no numbers."""
            selesai.update(penjadwal.jalankan(mulai_nb, selesai_nb))
            baru = sorted(set((staging / BAGIAN_ANGKA).glob("*.json")) - set(bagian))
            if baru:
                raise LakipError(
                    "notebook gambar menulis angka setelah numbers.json digabung: "
                    + ", ".join(p.name for p in baru)
                )

        t0 = time.monotonic()
        angka = _gabung_angka(staging, _nama_publik(akhir, tahun))
        tulis_teks(staging / "numbers.json", angka.to_json())
        hasil.jumlah_angka = len(angka)
        log.append(
            {
                "langkah": "gabung numbers.json",
                "masukan": [f"{BAGIAN_ANGKA}/*.json"],
                "keluaran": "numbers.json",
                "detik": round(time.monotonic() - t0, 3),
            }
        )
        _ringkas_rekonsiliasi(staging, hasil)

        if (
            setelah_notebook is not None
            and cache_lama.get("render") == kunci_r
            and (_salin_laporan(akhir, staging, tahun))
        ):
            tunggu_gambar()
            hasil.render_dipakai_ulang = True
            lapor("      laporan tidak berubah: berkas HTML, PDF dan DOCX lama dipakai")
            log.append(
                {
                    "langkah": "render laporan",
                    "masukan": ["kunci cache sama"],
                    "keluaran": "lakip-* (dipakai ulang)",
                    "detik": 0.0,
                }
            )
        elif setelah_notebook is not None:
            t0 = time.monotonic()
            setelah_notebook(data, staging, tunggu_gambar)
            tunggu_gambar()  # a renderer that had no images to wait for
            log.append(
                {
                    "langkah": "render laporan",
                    "masukan": ["report/", "numbers.json"],
                    "keluaran": "lakip-*",
                    "detik": round(time.monotonic() - t0, 3),
                }
            )
        else:
            tunggu_gambar()
        catatan_nb = []
        for s in jalan:
            detik = selesai[s.notebook]
            hasil.notebook.append((s.notebook, detik))
            catatan_nb.append(
                {
                    "langkah": f"notebook {s.notebook}",
                    "masukan": [f"{tampil(data_root)}/{tahun}/{b}" for b in s.membaca]
                    + list(s.setelah),
                    "keluaran": f"notebooks/{s.notebook}",
                    "detik": round(detik, 3),
                }
            )
        log[posisi_log:posisi_log] = catatan_nb

        t0 = time.monotonic()
        from lakip_calc.manifest import tulis_manifest

        tulis_manifest(data, staging)  # hashes of inputs and outputs, before the swap
        log.append(
            {
                "langkah": "manifest",
                "masukan": [f"{tampil(data_root)}/{tahun}/*", "keluaran"],
                "keluaran": "manifest.json",
                "detik": round(time.monotonic() - t0, 3),
            }
        )

        tulis_teks(
            staging / BERKAS_CACHE,
            json.dumps({"langkah": kunci_nb, "render": kunci_r}, indent=1, sort_keys=True) + "\n",
        )
        hasil.detik = time.monotonic() - mulai
        tulis_teks(staging / "build.log", _teks_log(log, hasil))
        shutil.rmtree(gagal, ignore_errors=True)
        _ganti_atomik(staging, akhir)
    except BaseException as e:
        penjadwal.tutup()  # an error before the notebooks ran: stop the kernels started
        if isinstance(e, NotebookError | LakipError):
            shutil.rmtree(gagal, ignore_errors=True)
            if staging.exists():
                staging.rename(gagal)
            if isinstance(e, NotebookError):
                raise NotebookError(
                    f"{e} Keluaran sebelumnya di {tampil(akhir)} tidak diubah."
                ) from None
        else:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    return hasil


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


def kunci_langkah(
    langkah: tuple[Langkah, ...], nb_dir: Path, data_root: Path, tahun: int, draft: bool
) -> dict[str, str]:
    """The cache key of every step (see :mod:`lakip_calc.cache`), upstream keys included."""
    kode = sidik_kode()
    hasil: dict[str, str] = {}
    for wave in gelombang(langkah):
        for s in wave:
            hasil[s.notebook] = kunci(
                "notebook",
                hash_berkas([nb_dir / s.notebook], nb_dir),
                {"tahun": tahun, "data_dir": tampil(data_root), "draft": draft},
                hash_berkas(berkas_data(data_root, tahun, s.membaca), data_root),
                kode,
                [hasil[h] for h in s.setelah],
            )
    return hasil


def renderer_terpilih() -> str:
    """The renderer ``RENDERER`` picks on this machine, with Quarto's path and version."""
    from lakip_calc.render.quarto import choose_renderer, find_quarto

    if choose_renderer(os.environ.get("RENDERER", "auto")) == "builtin":
        return "builtin"
    info = find_quarto()
    return f"quarto {info.path} {info.version}" if info else "quarto"


def kunci_render(data_root: Path, tahun: int, kunci_nb: dict[str, str], draft: bool) -> str:
    """The cache key of the rendered report: sources, data text, numbers, code, git state."""
    return kunci(
        "render",
        hash_berkas(
            [
                *sorted((ROOT / "report").glob("*.qmd")),
                ROOT / "_quarto.yml",
                ROOT / "_extensions",
                ROOT / "pyproject.toml",
            ],
            ROOT,
        ),
        hash_berkas(berkas_data(data_root, tahun, ["*"]), data_root),
        sorted(kunci_nb.items()),
        sidik_kode(),
        keadaan_git(),
        renderer_terpilih(),
        os.environ.get("SOURCE_DATE_EPOCH", ""),
        draft,
    )


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


def _ada_keluaran(akhir: Path, s: Langkah) -> bool:
    """Whether the previous build holds every output of a step."""
    return all((akhir / b).exists() for b in _keluaran(s))


def _salin_keluaran(akhir: Path, staging: Path, s: Langkah) -> None:
    """Copy a step's outputs from the previous build (:func:`_ada_keluaran` said they exist)."""
    for b in _keluaran(s):
        _salin(akhir / b, staging / b)


def _salin_laporan(akhir: Path, staging: Path, tahun: int) -> bool:
    """Copy the rendered report (and its staged project) from the previous build."""
    bagian = [Path(f"lakip-{tahun}.{ext}") for ext in ("html", "pdf", "docx")]
    if not all((akhir / b).exists() for b in bagian):
        return False
    for b in [*bagian, Path("proyek")]:
        if (akhir / b).exists():
            _salin(akhir / b, staging / b)
    return True


def _ringkas_rekonsiliasi(staging: Path, hasil: HasilBangun) -> None:
    import pandas as pd

    from lakip_calc.rekonsiliasi import ringkasan

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
