"""Reconciliation: every figure the hand-made source printed, against the computed one.

Pure: takes the validated year and the computed numbers, returns a DataFrame
with one row per check. A contradiction never raises; it becomes a row whose
``verdict`` is ``selisih``.

Rules
-----
- **Printed precision.** A printed figure agrees with a computed value when the
  computed value, rounded half-up to as many decimals as were printed, equals
  it: a printed "94%" agrees with 94,12; a printed "90%" does not agree with
  90,91 (which rounds to 91). The tolerance is therefore half a unit of the last
  printed digit, with the half-way point going up.
- **Subtotals** are checked twice: against the sum of the sub kegiatan facts
  (the computed value) and against the sum of the rows printed under them in
  the same table.
- **Percentages** are checked against the money figures printed beside them.
- **The same quantity printed in several places** is compared place by place.
- **Terbilang** are read back into numbers and compared with the figure.
- **Year labels** are compared with the report year.
- **Predikat ranges** are compared with the configured scale, gaps included.
- **Computed flags**: realisasi above pagu, capaian that cannot be computed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

import pandas as pd

from lakip_calc.errors import DataError
from lakip_calc.hitungan.angka import BELUM_DIISI, KumpulanAngka, digit_perlu
from lakip_calc.hitungan.formats import bulatkan, format_angka, parse_angka_tercetak
from lakip_calc.hitungan.terbilang import baca_terbilang, normalisasi_terbilang, terbilang
from lakip_calc.masukan.loader import BARIS, DataTahun

__all__ = ["KOLOM", "rekonsiliasi", "cocok_presisi", "ringkasan", "CEK", "angka_rekonsiliasi"]

KOLOM = [
    "check",
    "location",
    "key",
    "stated",
    "computed",
    "difference",
    "verdict",
    "note",
    "stated_value",
    "computed_value",
    "source_id",
    "source_row",
]

#: Names of the checks (Indonesian, as shown in the report).
CEK = {
    "subtotal": "subtotal/total tercetak vs jumlah sub kegiatan (data)",
    "subtotal_cetak": "subtotal/total tercetak vs jumlah baris tercetak di bawahnya",
    "persen_uang": "persentase keuangan tercetak vs pagu dan realisasi (data)",
    "persen_uang_cetak": "persentase keuangan tercetak vs angka uang tercetak di sampingnya",
    "fisik": "% fisik tercetak vs rata-rata tertimbang pagu (data)",
    "capaian": "capaian tercetak vs target dan realisasi",
    "rata_rata": "rata-rata tercetak vs hitungan",
    "fakta": "angka tercetak vs data (angka yang sama di dua tempat)",
    "dua_tempat": "angka yang sama tercetak di dua tempat",
    "klaim": "klaim narasi vs angka yang dijelaskannya",
    "jumlah": "jumlah/banyaknya tercetak vs hitungan",
    "terbilang": "terbilang vs angkanya",
    "tahun": "label tahun vs tahun laporan",
    "predikat": "predikat tercetak vs skala predikat",
    "skala": "rentang predikat tercetak vs skala predikat",
    "skala_celah": "rentang predikat tercetak: celah antar-rentang",
    "lebih_pagu": "realisasi melebihi pagu",
    "capaian_kosong": "capaian tidak dapat dihitung",
}

_AGREGAT = re.compile(r"^anggaran\.(total|\d+(\.\d+)?)\.(pagu|realisasi)$")


def cocok_presisi(tercetak: Decimal, digit: int, hitungan: Decimal) -> bool:
    """Whether a printed figure agrees with a computed value at printed precision.

    >>> cocok_presisi(Decimal("94"), 0, Decimal("94.1176"))
    True
    >>> cocok_presisi(Decimal("90"), 0, Decimal("90.909"))
    False
    """
    return bulatkan(hitungan, digit) == tercetak


def _jenis_cek(key: str) -> str:
    if _AGREGAT.match(key):
        return "subtotal"
    if key.endswith(".persen_keuangan"):
        return "persen_uang"
    if key.startswith("anggaran.") and key.endswith(".persen_fisik"):
        return "fisik" if key.count(".") < 4 or key.startswith("anggaran.total") else "fakta"
    if key.endswith(".capaian"):
        return "capaian"
    if ".rata_rata" in key:
        return "rata_rata"
    if "kenaikan" in key:
        return "klaim"
    if ".jumlah_" in key:
        return "jumlah"
    if key.endswith(".predikat"):
        return "predikat"
    return "fakta"


def _teks(v: Decimal | None) -> str:
    if v is None:
        return ""
    return format_angka(v, digit_perlu(v, 4))


def _baris(cek, r, *, stated, computed, sv, cv, verdict, note="") -> dict:
    diff = sv - cv if isinstance(sv, Decimal) and isinstance(cv, Decimal) else None
    return {
        "check": CEK[cek],
        "location": r["lokasi"],
        "key": r["acuan"],
        "stated": stated,
        "computed": computed,
        "difference": "" if diff is None else format(diff.normalize() if diff else Decimal(0), "f"),
        "verdict": verdict,
        "note": note,
        "stated_value": "" if sv is None else str(sv),
        "computed_value": "" if cv is None else str(cv),
        "source_id": r["id"],
        "source_row": r[BARIS],
    }


def _baca(r) -> tuple[Decimal, int] | None:
    try:
        return parse_angka_tercetak(r["tercetak"])
    except DataError:
        return None


def _rentang(teks: str) -> tuple[Decimal, Decimal, bool] | None:
    """Parse '76% - 90%' -> (76, 90, inclusive) or '< 50%' -> (0, 50, exclusive)."""
    s = teks.replace("%", "").replace(" ", "")
    m = re.fullmatch(r"(\d+(?:[.,]\d+)?)-(\d+(?:[.,]\d+)?)", s)
    if m:
        return Decimal(m[1].replace(",", ".")), Decimal(m[2].replace(",", ".")), True
    m = re.fullmatch(r"<(\d+(?:[.,]\d+)?)", s)
    if m:
        return Decimal(0), Decimal(m[1].replace(",", ".")), False
    return None


def _anak(data: DataTahun) -> dict[str, list[str]]:
    anak: dict[str, list[str]] = defaultdict(list)
    anak["total"] = list(data["program"]["kode"])
    for r in data["kegiatan"].to_dict("records"):
        anak[r["kode_program"]].append(r["kode"])
    for r in data["sub_kegiatan"].to_dict("records"):
        anak[r["kode_kegiatan"]].append(r["kode"])
    return anak


def _cek_terbilang(r, a) -> dict:
    """Words read back into a number and compared with the computed value."""
    tercetak, cv = r["tercetak"], a.value
    sv = baca_terbilang(tercetak)
    ref = terbilang(int(cv)) + (" rupiah" if a.unit == "rupiah" else "")
    ok = sv is not None and sv == cv
    if sv is None:
        note = "teks tidak terbaca sebagai bilangan (salah ketik atau susunan keliru)"
    elif ok:
        note = "" if normalisasi_terbilang(tercetak) == ref else "nilai sama, ejaan berbeda"
    else:
        note = f"terbaca sebagai {format_angka(sv)}, seharusnya {format_angka(cv)}"
    return _baris(
        "terbilang", r, stated=tercetak, computed=ref, sv=sv, cv=Decimal(cv),
        verdict="cocok" if ok else "selisih", note=note,
    )  # fmt: skip


def _cek_tahun(r, a) -> dict:
    """A printed year label against the report year."""
    sv, cv = Decimal(r["tercetak"].strip()), Decimal(a.value)
    return _baris(
        "tahun", r, stated=r["tercetak"], computed=str(a.value), sv=sv, cv=cv,
        verdict="cocok" if sv == cv else "selisih", note=r["catatan"] or "",
    )  # fmt: skip


def _cek_teks(r, a) -> dict:
    """A printed predikat against the computed one (case and spacing ignored)."""
    ok = str(a.value or "").strip().lower() == r["tercetak"].strip().lower()
    return _baris(
        "predikat", r, stated=r["tercetak"], computed=str(a.value or "-"), sv=None, cv=None,
        verdict="cocok" if ok else "selisih",
        note="" if ok else f"hitungan: {a.text} ({a.formula})",
    )  # fmt: skip


def _cek_angka(r, a) -> dict:
    """A printed number against the computed value at the printed precision."""
    tercetak, cek = r["tercetak"], _jenis_cek(r["acuan"])
    parsed = _baca(r)
    if parsed is None:
        return _baris(
            cek, r, stated=tercetak, computed=a.text, sv=None, cv=None, verdict="selisih",
            note="angka tercetak tidak terbaca",
        )  # fmt: skip
    sv, digit = parsed
    if a.value is None:
        return _baris(
            cek, r, stated=tercetak, computed="-", sv=sv, cv=None, verdict="selisih",
            note=a.catatan or "tidak dapat dihitung",
        )  # fmt: skip
    cv = Decimal(a.value)
    ok = cocok_presisi(sv, digit, cv)
    note = "" if ok else f"hitungan dibulatkan ke {digit} desimal: {_teks(bulatkan(cv, digit))}"
    if r["catatan"]:
        note = f"{note}; {r['catatan']}" if note else r["catatan"]
    computed = _teks(bulatkan(cv, max(digit, 2))) if a.unit != "rupiah" else a.text
    return _baris(
        cek, r, stated=tercetak, computed=computed, sv=sv, cv=cv,
        verdict="cocok" if ok else "selisih", note=note,
    )  # fmt: skip


#: How each kind of published figure (``angka_terbit.jenis``) is checked.
_CEK_JENIS = {"terbilang": _cek_terbilang, "tahun": _cek_tahun, "teks": _cek_teks}


def _cek_angka_terbit(r, angka: KumpulanAngka, skala_rows: list[dict]) -> list[dict]:
    """The checks of one published figure against the number it states."""
    if r["jenis"] == "rentang":
        return _cek_rentang(r, skala_rows)
    a = angka.get(r["acuan"])
    if a is None:
        return [
            _baris(
                "fakta",
                r,
                stated=r["tercetak"],
                computed="",
                sv=None,
                cv=None,
                verdict="selisih",
                note=f"kunci {r['acuan']!r} tidak dihitung oleh lakip_calc",
            )  # fmt: skip
        ]
    return [_CEK_JENIS.get(r["jenis"], _cek_angka)(r, a)]


def _cek_rentang(r, skala_rows: list[dict]) -> list[dict]:
    nama = r["acuan"].split(".", 1)[1]
    rent = _rentang(r["tercetak"])
    urut = [s["predikat"] for s in skala_rows]
    if rent is None or nama not in urut:
        return [
            _baris(
                "skala",
                r,
                stated=r["tercetak"],
                computed="",
                sv=None,
                cv=None,
                verdict="selisih",
                note="rentang atau predikat tidak dikenali",
            )
        ]
    bawah, atas, inklusif = rent
    i = urut.index(nama)
    konf = skala_rows[i]["batas_bawah"]
    out = [
        _baris(
            "skala",
            r,
            stated=r["tercetak"],
            computed=f"≥ {_teks(konf)}%",
            sv=bawah,
            cv=konf,
            verdict="cocok" if bawah == konf else "selisih",
            note="batas bawah tercetak vs konfigurasi",
        )
    ]
    if i > 0:
        lebih_tinggi = skala_rows[i - 1]["batas_bawah"]
        celah = lebih_tinggi - atas
        if celah > 0 or (celah == 0 and not inklusif):
            lingkup = (
                f"[{_teks(atas)}; {_teks(lebih_tinggi)})"
                if not inklusif
                else (f"({_teks(atas)}; {_teks(lebih_tinggi)})")
            )
            out.append(
                _baris(
                    "skala_celah",
                    r,
                    stated=r["tercetak"],
                    computed=f"{urut[i - 1]} mulai {_teks(lebih_tinggi)}%",
                    sv=atas,
                    cv=lebih_tinggi,
                    verdict="selisih",
                    note=f"capaian dalam {lingkup} tidak punya predikat di tabel tercetak; "
                    "skala konfigurasi menutup celah ini",
                )
            )
    return out


def rekonsiliasi(data: DataTahun, angka: KumpulanAngka) -> pd.DataFrame:
    """Run every check; return one row per check (columns :data:`KOLOM`)."""
    terbit = data["angka_terbit"].to_dict("records")
    skala_rows = sorted(data["skala_predikat"].to_dict("records"), key=lambda s: -s["batas_bawah"])
    rows: list[dict] = []
    for r in terbit:
        rows.extend(_cek_angka_terbit(r, angka, skala_rows))
    rows.extend(_cek_subtotal_cetak(data, terbit))
    rows.extend(_cek_persen_cetak(terbit))
    rows.extend(_cek_dua_tempat(terbit))
    rows.extend(_cek_hitungan(data, angka))
    return pd.DataFrame(rows, columns=KOLOM)


def _tercetak_per_lokasi(terbit: list[dict]) -> dict[str, dict[str, list[dict]]]:
    per: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for r in terbit:
        if r["jenis"] in ("rupiah", "persen", "angka"):
            per[r["lokasi"]][r["acuan"]].append(r)
    return per


def _cek_subtotal_cetak(data: DataTahun, terbit: list[dict]) -> list[dict]:
    anak = _anak(data)
    out = []
    for _lokasi, per_key in _tercetak_per_lokasi(terbit).items():

        def nilai(kode: str, kol: str, _pk=per_key) -> Decimal | None:
            rs = _pk.get(f"anggaran.{kode}.{kol}")
            if rs and len(rs) == 1 and (p := _baca(rs[0])):
                return p[0]
            if kode in anak and anak[kode]:
                vals = [nilai(c, kol) for c in anak[kode]]
                return None if any(v is None for v in vals) else sum(vals, Decimal(0))
            return None

        for key, rs in per_key.items():
            m = _AGREGAT.match(key)
            if not m or len(rs) != 1:
                continue
            kode, kol = m[1], m[3]
            r = rs[0]
            p = _baca(r)
            if not p or not anak.get(kode):
                continue
            vals = [nilai(c, kol) for c in anak[kode]]
            if any(v is None for v in vals):
                continue
            jumlah = sum(vals, Decimal(0))
            ok = p[0] == jumlah
            out.append(
                _baris(
                    "subtotal_cetak",
                    r,
                    stated=r["tercetak"],
                    computed=f"Rp{format_angka(jumlah)}",
                    sv=p[0],
                    cv=jumlah,
                    verdict="cocok" if ok else "selisih",
                    note=f"jumlah {len(vals)} baris tercetak di bawahnya dalam tabel yang sama",
                )
            )
    return out


def _cek_persen_cetak(terbit: list[dict]) -> list[dict]:
    out = []
    for _lokasi, per_key in _tercetak_per_lokasi(terbit).items():
        for key, rs in per_key.items():
            if not key.endswith(".persen_keuangan") or len(rs) != 1:
                continue
            base = key[: -len(".persen_keuangan")]
            pg, rl = per_key.get(f"{base}.pagu"), per_key.get(f"{base}.realisasi")
            if not pg or not rl or len(pg) != 1 or len(rl) != 1:
                continue
            p, q, s = _baca(pg[0]), _baca(rl[0]), _baca(rs[0])
            if not (p and q and s) or p[0] == 0:
                continue
            hit = q[0] / p[0] * 100
            ok = cocok_presisi(s[0], s[1], hit)
            out.append(
                _baris(
                    "persen_uang_cetak",
                    rs[0],
                    stated=rs[0]["tercetak"],
                    computed=_teks(bulatkan(hit, 2)),
                    sv=s[0],
                    cv=hit,
                    verdict="cocok" if ok else "selisih",
                    note=(
                        f"realisasi tercetak {rl[0]['tercetak']} ÷ "
                        f"pagu tercetak {pg[0]['tercetak']}"
                    ),
                )
            )
    return out


def _cek_dua_tempat(terbit: list[dict]) -> list[dict]:
    per_key: dict[str, list[dict]] = defaultdict(list)
    for r in terbit:
        if r["jenis"] in ("rupiah", "persen", "angka"):
            per_key[r["acuan"]].append(r)
    out = []
    for _key, rs in per_key.items():
        if len({r["lokasi"] for r in rs}) < 2:
            continue
        pertama = rs[0]
        p0 = _baca(pertama)
        if not p0:
            continue
        for r in rs[1:]:
            if r["lokasi"] == pertama["lokasi"]:
                continue
            p = _baca(r)
            if not p:
                continue
            d = min(p0[1], p[1])
            ok = bulatkan(p0[0], d) == bulatkan(p[0], d)
            out.append(
                _baris(
                    "dua_tempat",
                    r,
                    stated=r["tercetak"],
                    computed=f"{pertama['tercetak']} ({pertama['lokasi']})",
                    sv=p[0],
                    cv=p0[0],
                    verdict="cocok" if ok else "selisih",
                    note=f"dibandingkan pada {d} desimal dengan cetakan {pertama['id']}",
                )
            )
    return out


def _cek_hitungan(data: DataTahun, angka: KumpulanAngka) -> list[dict]:
    out = []
    berkas = data.berkas_tabel("sub_kegiatan")
    for s in data["sub_kegiatan"].to_dict("records"):
        if s["realisasi"] is None or s["pagu"] is None:
            continue  # belum diisi: nothing to compare yet
        if s["realisasi"] > s["pagu"]:
            r = {
                "lokasi": f"{berkas} baris {s[BARIS]}",
                "acuan": f"anggaran.{s['kode']}.realisasi",
                "id": "",
                BARIS: s[BARIS],
            }
            out.append(
                _baris(
                    "lebih_pagu",
                    r,
                    stated=f"Rp{format_angka(s['realisasi'])}",
                    computed=f"pagu Rp{format_angka(s['pagu'])}",
                    sv=s["realisasi"],
                    cv=s["pagu"],
                    verdict="selisih",
                    note="sah, tetapi perlu penjelasan",
                )
            )
    for a in angka:
        if (
            a.key.startswith("kinerja.")
            and a.key.endswith(".capaian")
            and a.value is None
            and a.catatan
            and a.text != BELUM_DIISI
        ):
            # point at the target cell (the usual cause), else the first input
            target = [i for i in a.inputs if i.column == "target"]
            src = (target or list(a.inputs) or [None])[0]
            r = {
                "lokasi": f"{src.file} baris {src.row}" if src else "",
                "acuan": a.key,
                "id": "",
                BARIS: src.row if src else "",
            }
            out.append(
                _baris(
                    "capaian_kosong",
                    r,
                    stated="",
                    computed="-",
                    sv=None,
                    cv=None,
                    verdict="selisih",
                    note=a.catatan,
                )
            )
    return out


def ringkasan(df: pd.DataFrame, n: int = 5) -> tuple[int, int, list[str]]:
    """(checks agreeing, contradictions, the ``n`` largest contradictions described)."""
    cocok = int((df["verdict"] == "cocok").sum())
    selisih = df[df["verdict"] == "selisih"].copy()

    def bobot(row) -> Decimal:
        try:
            sv, cv = Decimal(row["stated_value"]), Decimal(row["computed_value"])
        except Exception:  # noqa: BLE001 - empty cells: rank last
            return Decimal(-1)
        return abs(sv - cv) / (abs(cv) if cv else Decimal(1))

    selisih["_bobot"] = selisih.apply(bobot, axis=1)
    top = (
        selisih.sort_values("_bobot", ascending=False, kind="stable")
        .drop_duplicates(subset=["key"])
        .head(n)
    )
    teks = [
        f"{r['location']}: {r['key']} tercetak {r['stated']!s}, hitungan {r['computed']!s}"
        for r in top.to_dict("records")
    ]
    return cocok, len(selisih), teks


def angka_rekonsiliasi(data: DataTahun, df: pd.DataFrame) -> KumpulanAngka:
    """The reconciliation's own counts, as numbers the report quotes."""
    from lakip_calc.hitungan.angka import Sumber

    code = "lakip_calc.hitungan.rekonsiliasi:angka_rekonsiliasi"
    terbit = data["angka_terbit"]
    berkas = data.berkas_tabel("angka_terbit")
    sel = [Sumber(berkas, int(r), "tercetak") for r in terbit[BARIS]]
    k = KumpulanAngka()
    k.tambah(
        "rekonsiliasi.jumlah_angka_terbit",
        len(terbit),
        "angka",
        "banyaknya angka tercetak di dokumen sumber yang dicatat (angka_terbit.csv)",
        sel,
        code,
    )
    k.tambah("rekonsiliasi.jumlah_cek", len(df), "cek", "banyaknya cek rekonsiliasi", sel, code)
    k.tambah(
        "rekonsiliasi.jumlah_cocok",
        int((df["verdict"] == "cocok").sum()),
        "cek",
        "banyaknya cek dengan hasil cocok",
        sel,
        code,
    )
    k.tambah(
        "rekonsiliasi.jumlah_selisih",
        int((df["verdict"] == "selisih").sum()),
        "cek",
        "banyaknya cek dengan hasil selisih (kontradiksi)",
        sel,
        code,
    )
    return k
