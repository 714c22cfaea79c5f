"""The notebook runner and the pipeline's waves and atomic replacement."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from lakip_calc.bangun.pipeline import LANGKAH, Langkah, bangun, gelombang
from lakip_calc.bangun.runner import (
    NotebookError,
    cek_parameter,
    jalankan_notebook,
    parameter_notebook,
)
from lakip_calc.errors import LakipError

FX = Path(__file__).parent / "fixtures" / "notebooks"


def test_parameter_notebook_reads_the_tagged_cell():
    assert set(parameter_notebook(FX / "baik.ipynb")) == {"tahun", "data_dir", "out_dir"}


def test_unknown_parameter_is_an_error_before_any_kernel(tmp_path):
    with pytest.raises(NotebookError) as e:
        jalankan_notebook(FX / "baik.ipynb", tmp_path / "x.ipynb", {"tahun": 2023, "bulan": 1})
    pesan = str(e.value)
    assert "parameter tidak dikenal" in pesan and "bulan" in pesan and "baik.ipynb" in pesan
    assert "data_dir" in pesan  # lists what is available
    assert not (tmp_path / "x.ipynb").exists()


def test_notebook_without_parameters_cell_is_rejected(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    p = tmp_path / "tanpa.ipynb"
    nbformat.write(nb, p)
    with pytest.raises(NotebookError, match="parameters"):
        cek_parameter(p, {})


@pytest.mark.slow
def test_failing_cell_names_notebook_and_cell_and_keeps_partial(tmp_path):
    hasil = tmp_path / "out" / "rusak.ipynb"
    with pytest.raises(NotebookError) as e:
        jalankan_notebook(FX / "rusak.ipynb", hasil, {"out_dir": str(tmp_path)})
    pesan = str(e.value)
    assert "rusak.ipynb" in pesan
    assert "id 'gagal'" in pesan
    assert "ValueError" in pesan and "data uji rusak" in pesan
    assert hasil.exists()  # the partial notebook is kept for inspection
    nb = nbformat.read(hasil, as_version=4)
    gagal = [c for c in nb.cells if c.get("id") == "gagal"][0]
    assert any(o.get("ename") == "ValueError" for o in gagal.outputs)


@pytest.mark.slow
def test_executed_notebook_is_deterministic(tmp_path):
    a, b = tmp_path / "a.ipynb", tmp_path / "b.ipynb"
    out = tmp_path / "keluar"
    jalankan_notebook(FX / "baik.ipynb", a, {"out_dir": str(out)}, ganti={str(out): "build/2023"})
    jalankan_notebook(FX / "baik.ipynb", b, {"out_dir": str(out)}, ganti={str(out): "build/2023"})
    assert a.read_bytes() == b.read_bytes()
    assert (out / "hasil.txt").read_text() == "tahun=2023\n"
    nb = nbformat.read(a, as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])][0]
    assert injected.id == "injected-parameters"
    assert str(out) not in injected.source and "build/2023" in injected.source


def test_waves_respect_dependencies():
    waves = [[s.notebook for s in w] for w in gelombang(LANGKAH)]
    assert waves[0] == ["01_anggaran.ipynb", "02_kinerja.ipynb", "03_keluaran.ipynb"]
    assert waves[1] == ["04_rekonsiliasi.ipynb", "05_grafik.ipynb"]
    assert waves[2] == ["06_tabel.ipynb"]


def test_cyclic_dependencies_are_an_error():
    with pytest.raises(LakipError, match="melingkar"):
        gelombang((Langkah("a", ("b",)), Langkah("b", ("a",))))


@pytest.mark.slow
def test_failed_build_leaves_previous_build_intact(tmp_path):
    build = tmp_path / "build"
    lama = build / "2023"
    lama.mkdir(parents=True)
    (lama / "penanda.txt").write_text("build lama")
    langkah = (Langkah("baik.ipynb"), Langkah("rusak.ipynb", ("baik.ipynb",)))
    with pytest.raises(NotebookError) as e:
        bangun(2023, build_dir=build, notebooks_dir=FX, langkah=langkah, lapor=lambda s: None)
    assert "rusak.ipynb" in str(e.value) and "tidak diubah" in str(e.value)
    assert (lama / "penanda.txt").read_text() == "build lama"
    assert (build / "2023-gagal" / "notebooks" / "rusak.ipynb").exists()
    assert not list(build.glob(".staging-*"))


def _nb_waktu(path: Path, kode: str) -> None:
    """A pipeline-shaped notebook (the three parameters) running ``kode``."""
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                'tahun = 2023\ndata_dir = "data"\nout_dir = "build/2023"',
                id="parameters",
                metadata={"tags": ["parameters"]},
            ),
            nbformat.v4.new_code_cell("import time\nfrom pathlib import Path\n" + kode, id="kerja"),
        ],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    nbformat.write(nb, path)


#: In a kernel: ``tunggu(syarat)`` waits until an event of the build has happened
#: (bounded: a scheduler that never lets it happen fails the notebook, and the test).
#: The notebooks of these tests wait for events, never for a guessed time.
_TUNGGU = (
    "def tunggu(syarat, batas=120):\n"
    "    akhir = time.monotonic() + batas\n"
    "    while not syarat():\n"
    "        if time.monotonic() > akhir:\n"
    "            raise TimeoutError('peristiwa yang ditunggu tidak terjadi')\n"
    "        time.sleep(0.05)\n"
)

#: In a kernel: ``kernel_lain()`` is true once another kernel of the same build runs
#: (a process whose command line names a connection file in this kernel's folder).
_KERNEL_LAIN = _TUNGGU + (
    "import glob, os\n"
    "from ipykernel import get_connection_file\n"
    "_saya = get_connection_file()\n"
    "_folder = os.path.dirname(_saya) + os.sep\n"
    "def kernel_lain():\n"
    "    for p in glob.glob('/proc/[0-9]*/cmdline'):\n"
    "        try:\n"
    "            c = open(p, 'rb').read().decode(errors='replace')\n"
    "        except OSError:\n"
    "            continue\n"
    "        if _folder in c and _saya not in c:\n"
    "            return True\n"
    "    return False\n"
)


def _bangun_berwaktu(tmp_path: Path, nbs: Path, langkah: tuple, paralel: int):
    """Build the fixture notebooks; the times they wrote (``<name>.<moment>`` files)."""
    hasil = bangun(
        2023,
        build_dir=tmp_path / "build",
        notebooks_dir=nbs,
        langkah=langkah,
        paralel=paralel,
        lapor=lambda s: None,
    )
    waktu = {
        p.name: float(p.read_text())
        for p in hasil.folder.iterdir()
        if p.suffix in {".akhir", ".kernel", ".mulai"}
    }
    return hasil, waktu


@pytest.mark.slow
def test_notebook_starts_when_its_own_inputs_are_ready_not_its_wave(tmp_path):
    """'susul' (wave 2, after 'cepat') must not wait for 'lambat' (wave 1).

    'lambat' ends only once 'susul' has started: a scheduler that waited for the
    whole first wave would never start 'susul', and 'lambat' would fail.
    """
    nbs = tmp_path / "nb"
    nbs.mkdir()
    tulis = 'Path(out_dir, "{n}.{a}").write_text(repr(time.time()))\n'
    _nb_waktu(
        nbs / "lambat.ipynb",
        _TUNGGU
        + 'tunggu(lambda: Path(out_dir, "susul.mulai").exists())\n'
        + tulis.format(n="lambat", a="akhir"),
    )
    _nb_waktu(nbs / "cepat.ipynb", tulis.format(n="cepat", a="akhir"))
    _nb_waktu(nbs / "susul.ipynb", tulis.format(n="susul", a="mulai"))
    langkah = (
        Langkah("lambat.ipynb"),
        Langkah("cepat.ipynb"),
        Langkah("susul.ipynb", ("cepat.ipynb",)),
    )
    assert [[s.notebook for s in w] for w in gelombang(langkah)][1] == ["susul.ipynb"]
    hasil, waktu = _bangun_berwaktu(tmp_path, nbs, langkah, paralel=2)
    assert waktu["susul.mulai"] < waktu["lambat.akhir"]
    assert [n for n, _ in hasil.notebook] == ["lambat.ipynb", "cepat.ipynb", "susul.ipynb"]


@pytest.mark.slow
def test_kernel_of_a_waiting_notebook_starts_before_its_inputs_end(tmp_path):
    """'susul' reads 'lambat': its kernel starts while 'lambat' runs, its cells after.

    'lambat' ends only once a second kernel of the build runs: a scheduler that
    started 'susul''s kernel after 'lambat' ended would make 'lambat' fail.
    """
    nbs = tmp_path / "nb"
    nbs.mkdir()
    _nb_waktu(
        nbs / "lambat.ipynb",
        _KERNEL_LAIN
        + "tunggu(kernel_lain)\n"
        + 'Path(out_dir, "lambat.akhir").write_text(repr(time.time()))\n',
    )
    _nb_waktu(
        nbs / "susul.ipynb",
        'Path(out_dir, "susul.mulai").write_text(repr(time.time()))\n'
        + 'Path(out_dir, "susul.melihat").write_text(str(Path(out_dir, "lambat.akhir").exists()))\n',
    )
    langkah = (Langkah("lambat.ipynb"), Langkah("susul.ipynb", ("lambat.ipynb",)))
    hasil, waktu = _bangun_berwaktu(tmp_path, nbs, langkah, paralel=1)
    assert waktu["lambat.akhir"] <= waktu["susul.mulai"]
    assert (hasil.folder / "susul.melihat").read_text() == "True"  # its cells ran after


@pytest.mark.slow
def test_notebook_on_a_kernel_started_ahead_gives_the_same_bytes(tmp_path, monkeypatch):
    import tempfile

    from lakip_calc.bangun.proses import folder_kernel
    from lakip_calc.bangun.runner import matikan_kernel, nyalakan_kernel

    pendek = Path(tempfile.mkdtemp(prefix="lk", dir="/tmp"))  # room for socket paths
    monkeypatch.setattr(tempfile, "tempdir", str(pendek))
    out = tmp_path / "keluar"
    a, b = tmp_path / "a.ipynb", tmp_path / "b.ipynb"
    jalankan_notebook(FX / "baik.ipynb", a, {"out_dir": str(out)}, ganti={str(out): "build/2023"})
    with folder_kernel() as folder:
        km = nyalakan_kernel(Path.cwd(), folder)
        assert km.has_kernel
        try:
            jalankan_notebook(
                FX / "baik.ipynb", b, {"out_dir": str(out)}, ganti={str(out): "build/2023"},
                folder_kernel=folder, km=km,
            )  # fmt: skip
        finally:
            matikan_kernel(km)
        assert not km.has_kernel
        assert list(folder.iterdir()) == []
    assert a.read_bytes() == b.read_bytes()
    assert list(pendek.iterdir()) == []
    pendek.rmdir()


@pytest.mark.slow
def test_report_is_prepared_while_a_picture_notebook_still_runs(tmp_path):
    """The render hook starts before the charts notebook ends and waits for it on demand."""
    nbs = tmp_path / "nb"
    nbs.mkdir()
    _nb_waktu(nbs / "angka.ipynb", 'Path(out_dir, "angka.txt").write_text("1")\n')
    _nb_waktu(  # draws only once the render has begun: it must not wait for the picture
        nbs / "gambar.ipynb",
        _TUNGGU
        + 'tunggu(lambda: Path(out_dir, "render.mulai").exists())\n'
        + 'Path(out_dir, "gambar.svg").write_text("<svg/>")\n',
    )
    langkah = (Langkah("angka.ipynb"), Langkah("gambar.ipynb", gambar=True))
    dilihat = {}

    def render(data, staging, tunggu_gambar):
        dilihat["sebelum"] = (staging / "angka.txt").exists(), (staging / "gambar.svg").exists()
        (staging / "render.mulai").write_text("1")
        tunggu_gambar()
        dilihat["sesudah"] = (staging / "gambar.svg").exists()
        for ext in ("html", "pdf", "docx"):
            (staging / f"lakip-2023.{ext}").write_text(ext)

    hasil = bangun(
        2023,
        build_dir=tmp_path / "build",
        notebooks_dir=nbs,
        langkah=langkah,
        lapor=lambda s: None,
        setelah_notebook=render,
    )
    assert dilihat == {"sebelum": (True, False), "sesudah": True}
    assert [n for n, _ in hasil.notebook] == ["angka.ipynb", "gambar.ipynb"]
    log = (hasil.folder / "build.log").read_text(encoding="utf-8")
    assert log.index("notebook gambar.ipynb") < log.index("gabung numbers.json")


@pytest.mark.slow
def test_picture_notebook_that_writes_numbers_is_an_error(tmp_path):
    nbs = tmp_path / "nb"
    nbs.mkdir()
    _nb_waktu(  # writes numbers after they were merged (once the render has begun)
        nbs / "gambar.ipynb",
        _TUNGGU + 'tunggu(lambda: Path(out_dir, "render.mulai").exists())\n'
        'Path(out_dir, "bagian").mkdir(exist_ok=True)\n'
        'Path(out_dir, "bagian", "gambar.json").write_text("{}")\n',
    )

    def render(data, staging, tunggu_gambar):
        (staging / "render.mulai").write_text("1")
        tunggu_gambar()

    with pytest.raises(LakipError, match="notebook gambar menulis angka.*gambar.json"):
        bangun(
            2023,
            build_dir=tmp_path / "build",
            notebooks_dir=nbs,
            langkah=(Langkah("gambar.ipynb", gambar=True),),
            lapor=lambda s: None,
            setelah_notebook=render,
        )


@pytest.mark.slow
def test_failed_notebook_stops_the_build_and_leaves_no_kernel_files(tmp_path, monkeypatch):
    """A notebook waiting for one that fails never runs; no kernel folder is left."""
    import tempfile

    pendek = Path(tempfile.mkdtemp(prefix="lk", dir="/tmp"))  # room for socket paths
    monkeypatch.setattr(tempfile, "tempdir", str(pendek))
    nbs = tmp_path / "nb"
    nbs.mkdir()
    _nb_waktu(  # fails once the waiting notebook's kernel has started ahead
        nbs / "rusak.ipynb", _KERNEL_LAIN + "tunggu(kernel_lain)\nraise ValueError('rusak')\n"
    )
    _nb_waktu(nbs / "susul.ipynb", 'Path(out_dir, "susul.jalan").write_text("x")\n')
    langkah = (Langkah("rusak.ipynb"), Langkah("susul.ipynb", ("rusak.ipynb",)))
    with pytest.raises(NotebookError, match="rusak.ipynb gagal di sel .*ValueError: rusak"):
        bangun(
            2023,
            build_dir=tmp_path / "build",
            notebooks_dir=nbs,
            langkah=langkah,
            lapor=lambda s: None,
        )
    assert not list(tmp_path.rglob("susul.jalan"))
    assert not (tmp_path / "build" / "2023-gagal" / "notebooks" / "susul.ipynb").exists()
    assert list(pendek.iterdir()) == []
    pendek.rmdir()


@pytest.mark.slow
def test_kernel_leaves_no_connection_file_or_socket_behind(tmp_path, monkeypatch):
    """The connection file (HMAC key) and IPC sockets live in a private folder, removed after."""
    import tempfile

    from lakip_calc.bangun.proses import folder_kernel

    pendek = Path(tempfile.mkdtemp(prefix="lk", dir="/tmp"))  # room for socket paths
    monkeypatch.setattr(tempfile, "tempdir", str(pendek))
    out = tmp_path / "keluar"
    with folder_kernel() as folder:
        assert folder.parent == pendek
        jalankan_notebook(
            FX / "baik.ipynb", out / "baik.ipynb", {"out_dir": str(out)}, folder_kernel=folder
        )
        assert folder.is_dir() and list(folder.iterdir()) == []  # each kernel cleans its files
    assert (out / "hasil.txt").is_file()
    assert list(pendek.iterdir()) == []
    pendek.rmdir()
    assert not list(Path.cwd().glob("kernel-ipc*"))


def test_machine_state_messages_do_not_reach_the_executed_notebook(tmp_path):
    """matplotlib's first-run font cache message is the machine's, not the notebook's."""
    from lakip_calc.bangun.runner import normalisasi

    sel = nbformat.v4.new_code_cell("import matplotlib.pyplot")
    sel.outputs = [
        nbformat.v4.new_output(
            "stream",
            name="stderr",
            text="Matplotlib is building the font cache; this may take a moment.\n",
        ),
        nbformat.v4.new_output("stream", name="stderr", text="peringatan milik notebook\n"),
        nbformat.v4.new_output(
            "stream",
            name="stdout",
            text="Matplotlib is building the font cache; this may take a moment.\n",
        ),
    ]
    p = tmp_path / "x.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[sel]), p)
    normalisasi(p)
    keluaran = nbformat.read(p, as_version=4).cells[0].outputs
    assert [(o["name"], o["text"]) for o in keluaran] == [
        ("stderr", "peringatan milik notebook\n"),
        ("stdout", "Matplotlib is building the font cache; this may take a moment.\n"),
    ]


def test_notebook_reads_only_the_number_parts_it_names(tmp_path):
    """A notebook running beside others reads named parts; a missing one is an error."""
    from lakip_calc.bangun.notebook import baca_angka, simpan_angka
    from lakip_calc.hitungan.angka import KumpulanAngka

    for bagian, kunci in (("anggaran", "anggaran.total.pagu"), ("kinerja", "kinerja.IK1.capaian")):
        k = KumpulanAngka()
        k.tambah(kunci, 1, "angka", "uji", [], "uji:uji")
        simpan_angka(k, tmp_path, bagian, sel="uji")
    assert {a.key for a in baca_angka(tmp_path, ["kinerja"])} == {"kinerja.IK1.capaian"}
    assert len(baca_angka(tmp_path)) == 2
    with pytest.raises(LakipError, match="keluaran.json"):
        baca_angka(tmp_path, ["anggaran", "keluaran"])
