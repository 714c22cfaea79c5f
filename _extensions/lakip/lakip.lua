--[[ Filter of the LAKIP report (Quarto extension "lakip"), run after Quarto's
own filters (`at: post-quarto`), when shortcodes, includes and cross-references
are resolved.

- Headings: the Indonesian report numbering (BAB I, A., 1., a., 1)) written into
  the heading text in HTML and DOCX; Typst numbers them itself with the same
  scheme (typst-template.typ). Only when the metadata `lakip-penomoran` is true.
- Numbers (`[teks]{.angka data-key=... title=...}`, from _variables.yml): in
  HTML a link to the number's row in the Jejak Angka table (of the companion
  named by the metadata `lakip-jejak-berkas`, or of this document), the title
  as hover text; in other formats the plain text.
- `::: {.tanda-tangan}` (a signature block in the right half of the page),
  `::: {.judul-dokumen}` (a centred title) and `::: {.tabel-kecil}` (small
  tables): Typst functions of typst-template.typ; in DOCX paragraph styles of
  reference.docx (every table cell: "Isi Tabel").
- Placeholders of the daftar-* shortcodes: filled with the headings, tables or
  figures of the document, numbered as Quarto numbered them.
- A draft (`lakip-draft: true`): a banner (HTML), a first paragraph (DOCX).
- PDF and DOCX: a page break before every chapter. PDF: `...` and `-?` in text
  stay as typed (not Typst's ellipsis and soft hyphen). DOCX: the cover on a
  page of its own, charts as the PNG beside the SVG.

The built-in renderer of lakip_calc runs this file too (pandoc --lua-filter);
there a numbered table or figure is a pandoc Figure, in Quarto a FloatRefTarget.
]]

local function format_is(name)
  if quarto and quarto.doc and quarto.doc.is_format then
    return quarto.doc.is_format(name)
  end
  return FORMAT:match(name) ~= nil
end

--- DOCX: a page break, a paragraph of its own.
local PISAH_DOCX = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'

local ROMAWI = {
  { 1000, "M" }, { 900, "CM" }, { 500, "D" }, { 400, "CD" }, { 100, "C" }, { 90, "XC" },
  { 50, "L" }, { 40, "XL" }, { 10, "X" }, { 9, "IX" }, { 5, "V" }, { 4, "IV" }, { 1, "I" },
}

local function romawi(n)
  local out = ""
  for _, pair in ipairs(ROMAWI) do
    while n >= pair[1] do
      out = out .. pair[2]
      n = n - pair[1]
    end
  end
  return out
end

local function huruf(n, awal)
  local out = ""
  while n > 0 do
    local r = (n - 1) % 26
    out = string.char(awal + r) .. out
    n = (n - 1 - r) // 26
  end
  return out
end

--- The label of a numbered heading: BAB I, A., 1., a., 1).
local function label_judul(level, n)
  if level == 1 then
    return "BAB " .. romawi(n)
  elseif level == 2 then
    return huruf(n, 65) .. "."
  elseif level == 3 then
    return tostring(n) .. "."
  elseif level == 4 then
    return huruf(n, 97) .. "."
  end
  return tostring(n) .. ")"
end

-- What the document holds, in order, for the daftar-* placeholders.
local judul = {} -- { level, identifier, inlines } of listed headings
local terapung = { tbl = {}, fig = {} } -- { identifier, caption inlines } per kind
local sudah = {} -- identifiers seen (an HTML and a print variant share one)

local hitung = { 0, 0, 0, 0, 0, 0 }
local penomoran = false
-- The HTML file that holds the Jejak Angka rows ("" when it is this document).
local berkas_jejak = ""

local function baca_meta(meta)
  penomoran = meta["lakip-penomoran"] == true
  local berkas = meta["lakip-jejak-berkas"]
  berkas_jejak = berkas and pandoc.utils.stringify(berkas) or ""
end

local function tanpa_tautan(inlines)
  return inlines:walk({
    Link = function(l)
      return l.content
    end,
    Note = function()
      return {}
    end,
  })
end

--- Number a heading (HTML, DOCX: into its text) and remember it for the table of contents.
local function judul_bernomor(h)
  local berubah = false
  if penomoran and not h.classes:includes("unnumbered") then
    hitung[h.level] = hitung[h.level] + 1
    for i = h.level + 1, #hitung do
      hitung[i] = 0
    end
    if not format_is("typst") then
      local label = label_judul(h.level, hitung[h.level])
      local nomor = pandoc.Span(pandoc.Inlines(label), pandoc.Attr("", { "nomor-bagian" }))
      h.content = pandoc.Inlines({ nomor, pandoc.Space() }) .. h.content
      berubah = true
    end
  end
  if h.level <= 3 and h.identifier ~= "" and not h.classes:includes("unlisted") then
    table.insert(judul, { h.level, h.identifier, tanpa_tautan(h.content:clone()) })
  end
  return berubah and h or nil
end

--- Remember a numbered table or figure (the HTML and print variants share an id).
local function catat(id, caption)
  local jenis = (id or ""):match("^(%a+)%-")
  if terapung[jenis] == nil or sudah[id] then
    return nil
  end
  sudah[id] = true
  if pandoc.utils.type(caption) == "Blocks" then
    caption = pandoc.utils.blocks_to_inlines(caption)
  elseif pandoc.utils.type(caption) == "Block" then
    caption = caption.content
  end
  table.insert(terapung[jenis], { id, tanpa_tautan(pandoc.Inlines(caption or {})) })
  return nil
end

--- Quarto's numbered float, or (built-in renderer) a pandoc Figure.
local function catat_terapung(f)
  return catat(f.identifier, f.caption_long)
end

local function catat_figure(f)
  return catat(f.identifier, f.caption.long)
end

--- Anchor of a number's row in the Jejak Angka appendix (as lakip_calc.isi.narasi.slug).
local function jejak(kunci)
  return "jejak-" .. kunci:lower():gsub("[^a-z0-9]+", "-"):gsub("^%-+", ""):gsub("%-+$", "")
end

local function angka(span)
  if not span.classes:includes("angka") then
    return nil
  end
  if not format_is("html") then
    return span.content
  end
  local kunci = span.attributes["key"] or span.attributes["data-key"]
  if kunci == nil then
    return nil
  end
  local tujuan = berkas_jejak .. "#" .. jejak(kunci)
  return pandoc.Link({ span }, tujuan, "", pandoc.Attr("", { "tautan-angka" }))
end

--- DOCX: the PNG the charts notebook wrote next to an SVG, so that no SVG
--- converter (rsvg-convert) is needed; an SVG without one stays as it is.
local function docx_png(img)
  if not format_is("docx") or not img.src:match("%.svg$") then
    return nil
  end
  local png = img.src:gsub("%.svg$", ".png")
  local f = io.open(png, "rb")
  if f == nil then
    return nil
  end
  f:close()
  img.src = png
  return img
end

--- PDF: the blocks of a Div with class `kelas` as the argument of a Typst
--- function of typst-template.typ (`::: {.tanda-tangan}` -> `#lakip-tanda-tangan[...]`).
local TYPST_BLOK = {
  { "tanda-tangan", "lakip-tanda-tangan" },
  { "tabel-kecil", "lakip-tabel-kecil" },
  { "judul-dokumen", "lakip-judul-dokumen" },
}

--- DOCX: the paragraph style of the reference document for a block class.
local GAYA_DOCX = { ["tanda-tangan"] = "Tanda Tangan", ["judul-dokumen"] = "Judul Dokumen" }

local function blok_typst(div)
  if format_is("docx") then
    for kelas, gaya in pairs(GAYA_DOCX) do
      if div.classes:includes(kelas) then
        div.attributes["custom-style"] = gaya
        return div
      end
    end
    return nil
  end
  if not format_is("typst") then
    return nil
  end
  for _, pasangan in ipairs(TYPST_BLOK) do
    local kelas, fungsi = pasangan[1], pasangan[2]
    if div.classes:includes(kelas) then
      local blocks = pandoc.Blocks({ pandoc.RawBlock("typst", "#" .. fungsi .. "[") })
      blocks:extend(div.content)
      blocks:insert(pandoc.RawBlock("typst", "]"))
      return blocks
    end
  end
  return nil
end

--- DOCX: table cells in the reference document's styles "Isi Tabel" (9.5 pt, as the
--- PDF's tables) and, in a `::: {.tabel-kecil}`, "Isi Tabel Kecil" (8 pt). pandoc gives
--- a cell's text a style of its own ("Compact"); a paragraph in a `custom-style` Div
--- takes the Div's style instead.
local SEL_DOCX, SEL_KECIL_DOCX = "Isi Tabel", "Isi Tabel Kecil"

local function baris_tabel(tbl)
  local baris = pandoc.List()
  baris:extend(tbl.head.rows)
  for _, badan in ipairs(tbl.bodies) do
    baris:extend(badan.head)
    baris:extend(badan.body)
  end
  baris:extend(tbl.foot.rows)
  return baris
end

local function sel_docx(tbl)
  if not format_is("docx") or tbl.attributes["custom-style"] then
    return nil
  end
  for _, baris in ipairs(baris_tabel(tbl)) do
    for _, sel in ipairs(baris.cells) do
      local isi = sel.contents:walk({ Plain = function(p) return pandoc.Para(p.content) end })
      sel.contents = { pandoc.Div(isi, { ["custom-style"] = SEL_DOCX }) }
    end
  end
  return tbl
end

local function sel_kecil_docx(div)
  if not (format_is("docx") and div.classes:includes("tabel-kecil")) then
    return nil
  end
  return div:walk({
    Div = function(d)
      if d.attributes["custom-style"] == SEL_DOCX then
        d.attributes["custom-style"] = SEL_KECIL_DOCX
        return d
      end
    end,
  })
end

--- `::: {.tanda-tangan-ganda}` holding `.tanda-tangan` blocks (the two parties of
--- the Perjanjian Kinerja) side by side, each centred in its share of the width.
--- PDF: a Typst grid. DOCX: a table of one row in the reference document's table
--- style "Tabel Tanda Tangan" (no borders; sel_docx leaves it), each party's lines
--- in "Tanda Tangan Pihak". Runs before blok_typst, so the inner blocks are still Divs.
local function pihak_tanda_tangan(div)
  local pihak = pandoc.List()
  for _, anak in ipairs(div.content) do
    if anak.t == "Div" then
      pihak:insert(anak.content)
    end
  end
  return pihak
end

local function tanda_tangan_typst(pihak)
  local blocks = pandoc.Blocks({ pandoc.RawBlock("typst", "#lakip-tanda-tangan-ganda(") })
  for _, isi in ipairs(pihak) do
    blocks:insert(pandoc.RawBlock("typst", "["))
    blocks:extend(isi)
    blocks:insert(pandoc.RawBlock("typst", "],"))
  end
  blocks:insert(pandoc.RawBlock("typst", ")"))
  return blocks
end

local function tanda_tangan_docx(pihak)
  local sel, rata, lebar = pandoc.List(), pandoc.List(), pandoc.List()
  for _, isi in ipairs(pihak) do
    sel:insert({ pandoc.Div(isi, { ["custom-style"] = "Tanda Tangan Pihak" }) })
    rata:insert(pandoc.AlignDefault)
    lebar:insert(1 / #pihak)
  end
  local tabel = pandoc.utils.from_simple_table(pandoc.SimpleTable({}, rata, lebar, {}, { sel }))
  tabel.attributes["custom-style"] = "TabelTandaTangan"
  return tabel
end

local function tanda_tangan_ganda(div)
  if not div.classes:includes("tanda-tangan-ganda") then
    return nil
  end
  local pihak = pihak_tanda_tangan(div)
  if #pihak == 0 then
    return nil
  elseif format_is("typst") then
    return tanda_tangan_typst(pihak)
  elseif format_is("docx") then
    return tanda_tangan_docx(pihak)
  end
  return nil
end

local JUDUL_CROSSREF = { tbl = { "tbl-title", "Tabel" }, fig = { "fig-title", "Gambar" } }
local judul_crossref = {}

local function baca_crossref(meta)
  local crossref = meta.crossref or {}
  for jenis, pair in pairs(JUDUL_CROSSREF) do
    local nilai = crossref[pair[1]]
    judul_crossref[jenis] = nilai and pandoc.utils.stringify(nilai) or pair[2]
  end
end

local function daftar_isi_html()
  local akar = {}
  local tumpukan = { { 0, akar } }
  for _, j in ipairs(judul) do
    local level, id, inlines = j[1], j[2], j[3]
    while tumpukan[#tumpukan][1] >= level do
      table.remove(tumpukan)
    end
    local butir = { link = pandoc.Link(inlines, "#" .. id), anak = {} }
    table.insert(tumpukan[#tumpukan][2], butir)
    table.insert(tumpukan, { level, butir.anak })
  end
  local function daftar(items)
    local out = {}
    for _, b in ipairs(items) do
      local isi = { pandoc.Plain({ b.link }) }
      if #b.anak > 0 then
        table.insert(isi, daftar(b.anak))
      end
      table.insert(out, isi)
    end
    return pandoc.BulletList(out)
  end
  if #akar == 0 then
    return {}
  end
  return {
    pandoc.RawBlock("html", '<nav class="daftar-isi" aria-label="Daftar Isi">'),
    daftar(akar),
    pandoc.RawBlock("html", "</nav>"),
  }
end

local TOC_DOCX = '<w:p><w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
  .. '<w:r><w:instrText xml:space="preserve"> TOC \\o "1-3" \\h \\z \\u </w:instrText></w:r>'
  .. '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
  .. '<w:r><w:t xml:space="preserve">Daftar isi diperbarui oleh Word saat dokumen dibuka.</w:t></w:r>'
  .. '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'

local function daftar_keterangan(jenis)
  local butir = {}
  for i, t in ipairs(terapung[jenis]) do
    local teks = pandoc.Inlines(judul_crossref[jenis] .. "\u{a0}" .. i .. ": ") .. t[2]:clone()
    table.insert(butir, pandoc.Plain({ pandoc.Link(teks, "#" .. t[1]) }))
  end
  if format_is("docx") then
    local paras = {}
    for _, b in ipairs(butir) do
      table.insert(paras, pandoc.Para(b.content))
    end
    return paras
  end
  if #butir == 0 then
    return {}
  end
  local items = {}
  for _, b in ipairs(butir) do
    table.insert(items, { b })
  end
  return { pandoc.Div({ pandoc.BulletList(items) }, pandoc.Attr("", { "daftar-keterangan" })) }
end

local function isi_daftar(div)
  if not div.classes:includes("lakip-daftar") then
    return nil
  end
  local jenis = div.attributes["jenis"]
  if jenis == "isi" then
    if format_is("docx") then
      return pandoc.RawBlock("openxml", TOC_DOCX)
    end
    return daftar_isi_html()
  end
  return daftar_keterangan(jenis)
end

--- DOCX: the title block is the cover, a page of its own (its footer, from the
--- reference document's first-page setting, has no page number).
local function sampul_docx(doc)
  if not format_is("docx") or doc.meta.title == nil then
    return nil
  end
  doc.blocks:insert(1, pandoc.RawBlock("openxml", PISAH_DOCX))
  return doc
end

--- A draft (`lakip-draft: true`): a banner at the top of the HTML, a first
--- paragraph in the DOCX (the PDF mark is drawn by typst-template.typ).
local function tanda_draft(doc)
  if doc.meta["lakip-draft"] ~= true then
    return nil
  end
  local teks = doc.meta["lakip-draft-text"]
  teks = teks and pandoc.utils.stringify(teks) or "DRAFT"
  if format_is("html") then
    doc.blocks:insert(1, pandoc.Div({ pandoc.Plain(pandoc.Inlines(teks)) }, pandoc.Attr("", { "spanduk-draft" }, { role = "note" })))
  elseif format_is("docx") then
    doc.blocks:insert(1, pandoc.Para({ pandoc.Strong(pandoc.Inlines(teks)) }))
  end
  return doc
end

--- A page break before every chapter (a level-1 heading), as in the PDF, at the top
--- level (Typst refuses one inside the block Quarto wraps an unnumbered heading in).
--- DOCX: not before the first block (the cover's break comes before it, sampul_docx)
--- nor after a break already there (the `mulai-isi` shortcode's, a `pagebreak`):
--- two breaks would leave a blank page.
local function pisah_docx(blok)
  return blok ~= nil and blok.t == "RawBlock" and blok.format == "openxml"
    and blok.text:match('<w:br w:type="page"%s*/>') ~= nil
end

local function perlu_pisah(blocks, b)
  if not (b.t == "Header" and b.level == 1) then
    return false
  end
  return format_is("typst") or (#blocks > 0 and not pisah_docx(blocks[#blocks]))
end

local function bab_halaman_baru(doc)
  local pisah
  if format_is("typst") then
    pisah = pandoc.RawBlock("typst", "#pagebreak(weak: true)")
  elseif format_is("docx") then
    pisah = pandoc.RawBlock("openxml", PISAH_DOCX)
  else
    return nil
  end
  local blocks = pandoc.Blocks({})
  for _, b in ipairs(doc.blocks) do
    if perlu_pisah(blocks, b) then
      blocks:insert(pisah:clone())
    end
    blocks:insert(b)
  end
  doc.blocks = blocks
  return doc
end

--- PDF: pandoc's Typst writer leaves `...` and `-?` as they are, and Typst reads
--- them as an ellipsis and a soft hyphen (invisible). Text keeps them as typed: each
--- becomes a Typst string literal, a constant ended by `;` so that no character
--- after it can continue the expression.
local SINGKATAN_TYPST = { "...", "-?" }

local function singkatan_di(teks, i)
  for _, s in ipairs(SINGKATAN_TYPST) do
    if teks:sub(i, i + #s - 1) == s then
      return s
    end
  end
  return nil
end

local function teks_typst(str)
  local teks = str.text
  if not format_is("typst") or not (teks:find("...", 1, true) or teks:find("-?", 1, true)) then
    return nil
  end
  local out, awal, i = pandoc.Inlines({}), 1, 1
  while i <= #teks do
    local s = singkatan_di(teks, i)
    if s then
      if i > awal then
        out:insert(pandoc.Str(teks:sub(awal, i - 1)))
      end
      out:insert(pandoc.RawInline("typst", '#"' .. s .. '";'))
      i = i + #s
      awal = i
    else
      i = i + 1
    end
  end
  if awal <= #teks then
    out:insert(pandoc.Str(teks:sub(awal)))
  end
  return out
end

return {
  { Pandoc = bab_halaman_baru },
  { Meta = function(meta)
    baca_meta(meta)
    baca_crossref(meta)
  end },
  { Header = judul_bernomor, FloatRefTarget = catat_terapung, Figure = catat_figure },
  { Pandoc = sampul_docx },
  { Pandoc = tanda_draft },
  { Div = tanda_tangan_ganda },
  { Table = sel_docx },
  { Div = sel_kecil_docx },
  { Span = angka, Div = blok_typst, Image = docx_png },
  { Div = isi_daftar },
  { Str = teks_typst },
}
