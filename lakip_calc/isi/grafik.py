"""The report's charts as matplotlib Figures (pure: nothing is saved here).

Every value plotted is ``angka[key].value`` and every value label is
``angka[key].text`` from the :class:`~lakip_calc.hitungan.angka.KumpulanAngka`; names and
codes come from the :class:`~lakip_calc.masukan.loader.DataTahun`. Files are written by
:func:`lakip_calc.isi.tulis.tulis_grafik`.

Figures are created with :class:`matplotlib.figure.Figure` on an Agg canvas,
without pyplot, so building charts changes no global state and leaves no open
pyplot windows. One look for all charts: DejaVu Sans, muted colours, a light
grid on the value axis only, no frame on top and right, Indonesian number
formats on axes and labels (``1.500.000``, ``96,5%``), money axes in juta or
miliar rupiah with the unit in the axis label, 16 cm wide.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from decimal import Decimal

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from lakip_calc.hitungan.angka import BELUM_DIISI, KumpulanAngka, digit_perlu
from lakip_calc.hitungan.formats import format_angka, format_persen
from lakip_calc.masukan.loader import DataTahun

__all__ = [
    "UKURAN_CM",
    "pemformat_angka",
    "pemformat_persen",
    "pemformat_rupiah",
    "grafik_target_realisasi",
    "grafik_tren",
    "grafik_pagu_realisasi_program",
    "grafik_keuangan_fisik_program",
    "semua_grafik",
]

_CM = 1 / 2.54
#: Width and default height of every chart, in cm (fits an A4 text block).
UKURAN_CM = (16.0, 9.0)

_FONT = "DejaVu Sans"
_UKURAN_TEKS = 7.5
_UKURAN_LABEL = 6.8

_WARNA = {
    "teks": "#333333",
    "sumbu": "#8A9199",
    "grid": "#E3E6EA",
    "realisasi": "#2F5D7C",
    "target": "#8E99A4",
    "rpjmd": "#B5702D",
    "pagu": "#B7C7D6",
    "keuangan": "#2F5D7C",
    "fisik": "#7C9A5B",
    "acuan": "#6B7178",
}

_KATA_KECIL = {"dan", "serta", "di", "ke", "dari", "yang", "untuk", "atau", "pada", "bagi"}


# --------------------------------------------------------------------------- formatters


def _digit_otomatis(x: float, maks: int = 2) -> tuple[Decimal, int]:
    d = Decimal(repr(round(float(x), 6)))
    return d, digit_perlu(d, maks)


def pemformat_angka(maks_digit: int = 2) -> FuncFormatter:
    """Tick formatter for plain numbers: ``1500000 -> "1.500.000"``, ``2.5 -> "2,5"``.

    >>> pemformat_angka()(1500000, 0)
    '1.500.000'
    """

    def f(x: float, pos: int | None = None) -> str:
        d, digit = _digit_otomatis(x, maks_digit)
        return format_angka(d, digit)

    return FuncFormatter(f)


def pemformat_persen(maks_digit: int = 1) -> FuncFormatter:
    """Tick formatter for percentages (the value is already in percent): ``96.5 -> "96,5%"``.

    >>> pemformat_persen()(96.5, 0)
    '96,5%'
    """

    def f(x: float, pos: int | None = None) -> str:
        d, digit = _digit_otomatis(x, maks_digit)
        return format_persen(d, digit)

    return FuncFormatter(f)


def _satuan_uang(maks: float) -> tuple[float, str]:
    """Divisor and axis label for a money axis whose largest value is ``maks`` rupiah."""
    if maks >= 1e9:
        return 1e9, "Miliar rupiah"
    if maks >= 1e6:
        return 1e6, "Juta rupiah"
    return 1.0, "Rupiah"


def pemformat_rupiah(pembagi: float) -> FuncFormatter:
    """Tick formatter for rupiah shown in a unit (``pembagi`` 1e9 = miliar): ``1.5e9 -> "1,5"``.

    >>> pemformat_rupiah(1e9)(1.5e9, 0)
    '1,5'
    """

    def f(x: float, pos: int | None = None) -> str:
        d, digit = _digit_otomatis(x / pembagi, 2)
        return format_angka(d, digit)

    return FuncFormatter(f)


# --------------------------------------------------------------------------- helpers


def _figur(tinggi_cm: float = UKURAN_CM[1]) -> Figure:
    fig = Figure(figsize=(UKURAN_CM[0] * _CM, tinggi_cm * _CM), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    fig.set_facecolor("white")
    fig.get_layout_engine().set(w_pad=0.04, h_pad=0.04)
    return fig


def _gaya(ax: Axes, grid: str) -> None:
    """The common sober look: no top/right frame, light grid on the value axis."""
    for s in ("top", "right"):
        ax.spines[s].set_visible(False)
    for s in ("left", "bottom"):
        ax.spines[s].set_color(_WARNA["sumbu"])
        ax.spines[s].set_linewidth(0.6)
    ax.tick_params(
        labelsize=_UKURAN_TEKS,
        colors=_WARNA["teks"],
        length=2.5,
        width=0.6,
        labelfontfamily=_FONT,
    )
    ax.grid(axis=grid, color=_WARNA["grid"], linewidth=0.6)
    ax.set_axisbelow(True)
    ax.set_facecolor("white")


def _label_sumbu(ax: Axes, *, x: str | None = None, y: str | None = None) -> None:
    kw = {"fontsize": _UKURAN_TEKS, "color": _WARNA["teks"], "fontfamily": _FONT}
    if x is not None:
        ax.set_xlabel(x, **kw)
    if y is not None:
        ax.set_ylabel(y, **kw)


def _legenda(fig: Figure, handles: list, ncol: int) -> None:
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncol=ncol,
        frameon=False,
        prop={"size": _UKURAN_TEKS, "family": _FONT},
        handlelength=1.6,
        columnspacing=1.6,
    )


def _polos(teks: str) -> str:
    """Text from the data shown as written: ``$`` never starts matplotlib mathtext.

    >>> _polos("Biaya $x^2$")
    'Biaya \\\\$x^2\\\\$'
    """
    return str(teks).replace("$", r"\$")


#: Attribute of a Figure listing its labels and their keys (``tulis_grafik`` writes it).
LABEL_KUNCI = "lakip_label_kunci"


def catat_label(fig: Figure, teks: str, kunci: Sequence[str]) -> None:
    """Record that ``teks``, drawn in ``fig``, shows the numbers ``kunci`` (in that order)."""
    daftar = getattr(fig, LABEL_KUNCI, None)
    if daftar is None:
        daftar = []
        setattr(fig, LABEL_KUNCI, daftar)
    daftar.append({"teks": str(teks), "kunci": list(kunci)})


def label_kunci(fig: Figure) -> list[dict]:
    """The labels of ``fig`` with their keys, in drawing order (see :func:`catat_label`)."""
    return list(getattr(fig, LABEL_KUNCI, []))


def _teks(ax: Axes, x: float, y: float, s: str, kunci: Sequence[str] = (), **kw) -> None:
    """Draw a label; ``kunci``: the keys of the numbers it shows (recorded for the sidecar)."""
    base = {"fontsize": _UKURAN_LABEL, "color": _WARNA["teks"], "fontfamily": _FONT}
    base.update(kw)
    ax.text(x, y, _polos(s), **base)
    if kunci:
        catat_label(ax.figure, s, kunci)


def _rapikan_nama(nama: str) -> str:
    """A program name printed in capitals, in title case without the word "Program".

    >>> _rapikan_nama("PROGRAM PERLINDUNGAN DAN JAMINAN SOSIAL")
    'Perlindungan dan Jaminan Sosial'
    """
    if not nama.isupper():
        return nama

    def kata(m: re.Match[str]) -> str:
        w = m.group()
        return w if (w in _KATA_KECIL and m.start() > 0) else w.capitalize()

    s = re.sub(r"[a-z]+", kata, nama.lower())
    return re.sub(r"^Program\s+", "", s)


def _bungkus(teks: str, lebar: int) -> str:
    return textwrap.fill(teks, lebar, break_long_words=False)


def _nilai(angka: KumpulanAngka, key: str) -> float | None:
    a = angka.get(key)
    if a is None or a.value is None or isinstance(a.value, str):
        return None  # no value, or a grade of a categorical indicator
    return float(a.value)


def _tahun(angka: KumpulanAngka) -> str:
    return angka["laporan.tahun"].text


# --------------------------------------------------------------------------- charts


def _tanpa_batang(c, rincian: str) -> str:
    """The label of an indicator without a bar: a categorical result, or why there is none."""
    if c is not None and isinstance(c.value, str):
        return f"{c.text} ({rincian})"
    belum = c is not None and c.text == BELUM_DIISI
    return f"capaian {'belum diisi' if belum else 'tidak dapat dihitung'} ({rincian})"


def _batang_capaian(
    ax: Axes, angka: KumpulanAngka, i: dict, yi: int, v: float | None, batas: float
) -> None:
    """One indicator's capaian bar at height ``yi`` with its labels (or a note, no bar)."""
    ik = f"kinerja.{i['kode']}"
    t = angka.get(f"{ik}.target")
    r = angka.get(f"{ik}.realisasi")
    rincian = f"Target {t.text if t else '-'} · Realisasi {r.text if r else '-'}"
    k_rincian = [f"{ik}.{k}" for k, a in (("target", t), ("realisasi", r)) if a]
    if v is None:
        c = angka.get(f"{ik}.capaian")
        kunci = k_rincian + ([c.key] if c is not None and isinstance(c.value, str) else [])
        _teks(ax, batas * 0.01, yi, _tanpa_batang(c, rincian), kunci,
              va="center", style="italic")  # fmt: skip
        return
    ax.barh(yi, v, height=0.58, color=_WARNA["realisasi"], zorder=2)
    capaian = angka[f"{ik}.capaian"].text
    pred = angka.get(f"{ik}.predikat")
    if v >= batas * 0.55:
        _teks(ax, batas * 0.012, yi, rincian, k_rincian, va="center", color="white")
        _teks(
            ax,
            v - batas * 0.012,
            yi,
            capaian,
            [f"{ik}.capaian"],
            va="center",
            ha="right",
            color="white",
            fontweight="bold",
        )
        kanan = pred.text if pred else ""
        k_kanan = [f"{ik}.predikat"] if pred else []
    else:
        kanan = f"{capaian} ({pred.text})" if pred else capaian
        k_kanan = [f"{ik}.capaian"] + ([f"{ik}.predikat"] if pred else [])
        _teks(ax, v + batas * 0.012, yi - 0.36, rincian, k_rincian, va="center", fontsize=6)
    # A white box keeps the label readable where it crosses the 100% line.
    _teks(
        ax,
        v + batas * 0.012,
        yi,
        kanan,
        k_kanan,
        va="center",
        fontweight="bold",
        zorder=4,
        bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6},
    )


def grafik_target_realisasi(data: DataTahun, angka: KumpulanAngka) -> tuple[str, str, Figure]:
    """``fig-target-realisasi``: capaian of every indicator, with its target and realisasi.

    The indicators have different units (percent, index values), so bars of
    target and realisasi side by side would compare unlike quantities on one
    axis. The chart therefore shows one horizontal bar per indicator with its
    **capaian** (a percentage of its own target, comparable across
    indicators) and a dashed reference line at 100%. Each bar is labelled with
    its target and realisasi in their own unit (inside, left), its capaian
    (inside, right) and its predikat (after the bar). An
    indicator without capaian has no bar and says so.
    """
    ind = data["indikator"].to_dict("records")
    fig = _figur(9.0)
    ax = fig.add_subplot()
    _gaya(ax, "x")
    nilai = [_nilai(angka, f"kinerja.{i['kode']}.capaian") for i in ind]
    maks = max([v for v in nilai if v is not None] + [100.0])
    # Room on the right for the capaian and predikat label of the longest bar.
    batas = max(maks, 100.0) * 1.3
    y = list(range(len(ind)))[::-1]
    for yi, i, v in zip(y, ind, nilai, strict=True):
        _batang_capaian(ax, angka, i, yi, v, batas)
    ax.axvline(100, color=_WARNA["acuan"], linewidth=0.8, linestyle=(0, (4, 3)), zorder=3)
    ax.set_yticks(y, labels=[_polos(f"{i['kode']}  " + _bungkus(i["nama"], 32)) for i in ind])
    ax.set_xlim(0, batas)
    ax.set_ylim(-0.6, len(ind) - 0.4)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    ax.xaxis.set_major_formatter(pemformat_persen())
    ax.tick_params(axis="y", length=0)
    _label_sumbu(ax, x="Capaian terhadap target (%); garis putus-putus = 100%")
    judul = f"Capaian Indikator Kinerja terhadap Target Tahun {_tahun(angka)}"
    return "fig-target-realisasi", judul, fig


#: The two lines of a trend chart: (column, legend name, colour, line style, marker).
_GARIS_TREN = (
    ("target", "Target", _WARNA["target"], (0, (4, 2)), "s"),
    ("realisasi", "Realisasi", _WARNA["realisasi"], "-", "o"),
)

#: A trend point: (year, value, printed text, number key).
_Titik = tuple[int, float, str, str]


def _garis_tren(
    ax: Axes, angka: KumpulanAngka, basis: dict[int, str]
) -> tuple[dict[str, list[_Titik]], list[str], list]:
    """Draw the target and realisasi lines: (points per column, blank points, legend handles)."""
    titik: dict[str, list[_Titik]] = {}
    belum: list[str] = []  # points not drawn because their cell is still blank
    handles = []
    for kol, nama, warna, garis, penanda in _GARIS_TREN:
        pts = []
        for t in basis:
            key = f"{basis[t]}.{kol}"
            v = _nilai(angka, key)
            if v is not None:
                pts.append((t, v, angka[key].text, key))
            elif key in angka and angka[key].text == BELUM_DIISI:
                belum.append(f"{nama.lower()} {t}")
        titik[kol] = pts
        if pts:
            ax.plot(
                [p[0] for p in pts],
                [p[1] for p in pts],
                color=warna,
                linestyle=garis,
                linewidth=1.4,
                marker=penanda,
                markersize=4,
                zorder=3,
            )
        handles.append(
            Line2D(
                [],
                [],
                color=warna,
                linestyle=garis,
                marker=penanda,
                markersize=4,
                linewidth=1.4,
                label=nama,
            )
        )
    return titik, belum, handles


def _garis_rpjmd(
    fig: Figure, ax: Axes, angka: KumpulanAngka, i: dict
) -> tuple[float, Line2D] | None:
    """Draw the RPJMD target as a dashed horizontal line: (its value, its legend handle)."""
    ik = i["kode"]
    rpjmd = angka.get(f"kinerja.{ik}.target_rpjmd")
    if rpjmd is None or rpjmd.value is None:
        return None
    v = float(rpjmd.value)
    ax.axhline(v, color=_WARNA["rpjmd"], linewidth=1.0, linestyle=(0, (2, 2)), zorder=2)
    label = i["label_target_rpjmd"] or "Target RPJMD"
    catat_label(fig, f"{label} ({rpjmd.text})", [f"kinerja.{ik}.target_rpjmd"])
    handle = Line2D(
        [],
        [],
        color=_WARNA["rpjmd"],
        linestyle=(0, (2, 2)),
        linewidth=1.0,
        label=_polos(f"{label} ({rpjmd.text})"),
    )
    return v, handle


def _label_titik(ax: Axes, titik: dict[str, list[_Titik]], geser: float) -> None:
    """Each point's value: in each year the higher of target and realisasi is labelled
    above its point and the lower below, so the two labels never overlap (equal:
    realisasi above)."""
    per_tahun = {kol: {p[0]: p[1] for p in pts} for kol, pts in titik.items()}
    for kol, _nama, warna, _garis, _penanda in _GARIS_TREN:
        lain = per_tahun["target" if kol == "realisasi" else "realisasi"]
        for t, v, teks, key in titik[kol]:
            w = lain.get(t)
            if w is None or v == w:
                naik = kol == "realisasi" or w is None
            else:
                naik = v > w
            _teks(
                ax,
                t,
                v + (geser if naik else -geser),
                teks,
                [key],
                ha="center",
                va="bottom" if naik else "top",
                color=warna,
                fontweight="bold" if kol == "realisasi" else "normal",
            )


def _tren_satu(data: DataTahun, angka: KumpulanAngka, i: dict) -> tuple[str, str, Figure]:
    """One indicator's trend chart (see :func:`grafik_tren`)."""
    ik = i["kode"]
    th = data["indikator_tahunan"]
    semua_tahun = sorted(int(t) for t in th[th["kode_indikator"] == ik]["tahun"])
    basis = {
        t: f"kinerja.{ik}" if t == data.tahun else f"kinerja.{ik}.riwayat.{t}" for t in semua_tahun
    }
    persen = i["satuan"].strip().lower() in ("persen", "%")
    fig = _figur(9.0)
    ax = fig.add_subplot()
    _gaya(ax, "y")
    titik, belum, handles = _garis_tren(ax, angka, basis)
    semua = [p[1] for kol, *_ in _GARIS_TREN for p in titik[kol]]
    rpjmd = _garis_rpjmd(fig, ax, angka, i)
    if rpjmd is not None:
        semua.append(rpjmd[0])
        handles.append(rpjmd[1])
    lo, hi = (min(semua), max(semua)) if semua else (0.0, 1.0)
    rentang = max(hi - lo, abs(hi) * 0.08, 1.0)
    bawah, atas = max(0.0, lo - 0.55 * rentang), hi + 0.55 * rentang
    ax.set_ylim(bawah, atas)
    _label_titik(ax, titik, (atas - bawah) * 0.045)
    ax.set_xticks(semua_tahun, labels=[str(t) for t in semua_tahun])
    if semua_tahun:
        ax.set_xlim(semua_tahun[0] - 0.4, semua_tahun[-1] + 0.4)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
    ax.yaxis.set_major_formatter(pemformat_persen() if persen else pemformat_angka())
    sumbu_x = f"Tahun ({BELUM_DIISI}, tidak digambar: {', '.join(belum)})" if belum else "Tahun"
    _label_sumbu(ax, x=sumbu_x, y="Persen (%)" if persen else "Nilai")
    _legenda(fig, handles, ncol=3)
    periode = (
        (f"{semua_tahun[0]}–{semua_tahun[-1]}" if len(semua_tahun) > 1 else str(semua_tahun[0]))
        if semua_tahun
        else _tahun(angka)
    )
    judul = f"Perkembangan Target dan Realisasi {i['nama']} Tahun {periode}"
    return f"fig-tren-{ik.lower()}", judul, fig


def grafik_tren(data: DataTahun, angka: KumpulanAngka) -> list[tuple[str, str, Figure]]:
    """``fig-tren-<ik>``: target and realisasi of each indicator over every year present.

    Earlier years come from ``kinerja.<IK>.riwayat.<tahun>``; the RPJMD target is
    a horizontal dashed line labelled as the source printed it. The value axis
    does not start at 0 (the lines show change); every point carries its value.
    """
    return [
        _tren_satu(data, angka, i)
        for i in data["indikator"].to_dict("records")
        if i["polaritas"] != "kategori"  # grades have no line; Bab III tabulates them
    ]


def _program(data: DataTahun) -> list[dict]:
    return sorted(
        data["program"].to_dict("records"),
        key=lambda r: [int(p) if p.isdigit() else p for p in str(r["kode"]).split(".")],
    )


def _label_program(r: dict) -> str:
    return _polos(_bungkus(f"{r['kode']}. {_rapikan_nama(r['nama'])}", 30))


def grafik_pagu_realisasi_program(data: DataTahun, angka: KumpulanAngka) -> tuple[str, str, Figure]:
    """``fig-pagu-realisasi-program``: pagu and realisasi of each program (horizontal bars).

    The axis is in miliar (or juta) rupiah; each bar is labelled with the exact
    amount as the report prints it.
    """
    prog = _program(data)
    fig = _figur(11.0)
    ax = fig.add_subplot()
    _gaya(ax, "x")
    pagu = [_nilai(angka, f"anggaran.{p['kode']}.pagu") or 0.0 for p in prog]
    real = [_nilai(angka, f"anggaran.{p['kode']}.realisasi") or 0.0 for p in prog]
    maks = max(pagu + real + [1.0])
    pembagi, satuan = _satuan_uang(maks)
    batas = maks * 1.42
    y = list(range(len(prog)))[::-1]
    h = 0.36
    for yi, p, vp, vr in zip(y, prog, pagu, real, strict=True):
        for dy, v, kol, warna in (
            (h / 2, vp, "pagu", _WARNA["pagu"]),
            (-h / 2, vr, "realisasi", _WARNA["realisasi"]),
        ):
            ax.barh(yi + dy, v, height=h, color=warna, zorder=2)
            _teks(
                ax,
                v + batas * 0.01,
                yi + dy,
                angka[f"anggaran.{p['kode']}.{kol}"].text,
                [f"anggaran.{p['kode']}.{kol}"],
                va="center",
            )
    ax.set_yticks(y, labels=[_label_program(p) for p in prog])
    ax.set_xlim(0, batas)
    ax.set_ylim(-0.6, len(prog) - 0.4)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    ax.xaxis.set_major_formatter(pemformat_rupiah(pembagi))
    ax.tick_params(axis="y", length=0)
    _label_sumbu(ax, x=satuan)
    _legenda(
        fig,
        [
            Patch(color=_WARNA["pagu"], label="Pagu"),
            Patch(color=_WARNA["realisasi"], label="Realisasi"),
        ],
        ncol=2,
    )
    judul = f"Pagu dan Realisasi Anggaran per Program Tahun Anggaran {_tahun(angka)}"
    return "fig-pagu-realisasi-program", judul, fig


def grafik_keuangan_fisik_program(data: DataTahun, angka: KumpulanAngka) -> tuple[str, str, Figure]:
    """``fig-keuangan-fisik-program``: % keuangan and % fisik of each program (0-100 axis).

    Horizontal grouped bars keep the program names readable; each bar carries
    its percentage inside its end.
    """
    prog = _program(data)
    fig = _figur(11.0)
    ax = fig.add_subplot()
    _gaya(ax, "x")
    y = list(range(len(prog)))[::-1]
    h = 0.36
    for yi, p in zip(y, prog, strict=True):
        for dy, kol, warna in (
            (h / 2, "persen_keuangan", _WARNA["keuangan"]),
            (-h / 2, "persen_fisik", _WARNA["fisik"]),
        ):
            key = f"anggaran.{p['kode']}.{kol}"
            v = _nilai(angka, key)
            if v is None:
                if key in angka:
                    _teks(ax, 1, yi + dy, angka[key].text, [key], va="center")
                else:
                    _teks(ax, 1, yi + dy, "-", va="center")
                continue
            ax.barh(yi + dy, v, height=h, color=warna, zorder=2)
            if v >= 18:
                _teks(
                    ax,
                    v - 1.2,
                    yi + dy,
                    angka[key].text,
                    [key],
                    va="center",
                    ha="right",
                    color="white",
                    fontweight="bold",
                )
            else:
                _teks(ax, v + 1.2, yi + dy, angka[key].text, [key], va="center")
    ax.set_yticks(y, labels=[_label_program(p) for p in prog])
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.6, len(prog) - 0.4)
    ax.set_xticks(range(0, 101, 20))
    ax.xaxis.set_major_formatter(pemformat_persen())
    ax.tick_params(axis="y", length=0)
    _label_sumbu(ax, x="Persen (%)")
    _legenda(
        fig,
        [
            Patch(color=_WARNA["keuangan"], label="Realisasi keuangan"),
            Patch(color=_WARNA["fisik"], label="Realisasi fisik"),
        ],
        ncol=2,
    )
    judul = f"Persentase Realisasi Keuangan dan Fisik per Program Tahun Anggaran {_tahun(angka)}"
    return "fig-keuangan-fisik-program", judul, fig


def semua_grafik(data: DataTahun, angka: KumpulanAngka) -> list[tuple[str, str, Figure]]:
    """Every chart of the report, in report order: ``(id, judul, Figure)``."""
    return [
        grafik_target_realisasi(data, angka),
        *grafik_tren(data, angka),
        grafik_pagu_realisasi_program(data, angka),
        grafik_keuangan_fisik_program(data, angka),
    ]
