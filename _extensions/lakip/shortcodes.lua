--[[ Shortcodes of the LAKIP report (Quarto extension "lakip").

  {{< daftar-isi >}}     heading "Daftar Isi" and the table of contents
  {{< daftar-tabel >}}   heading "Daftar Tabel" and the list of numbered tables
  {{< daftar-gambar >}}  heading "Daftar Gambar" and the list of numbered figures
  {{< mulai-isi >}}      end of the front matter (PDF: arabic page numbers from 1)

In the PDF (Typst) each list is a Typst outline with page numbers. In HTML and
DOCX the shortcode leaves a placeholder that lakip.lua fills once Quarto has
numbered the tables and figures.
]]

local JUDUL = {
  isi = "Daftar Isi",
  tbl = "Daftar Tabel",
  fig = "Daftar Gambar",
}

local ID = { isi = "daftar-isi", tbl = "daftar-tabel", fig = "daftar-gambar" }

local function is_typst()
  return quarto.doc.is_format("typst")
end

local function heading(jenis)
  local classes = { "unnumbered" }
  if jenis == "isi" then
    table.insert(classes, "unlisted")
  end
  return pandoc.Header(1, pandoc.Inlines(JUDUL[jenis]), pandoc.Attr(ID[jenis], classes))
end

-- Typst: `lakip-daftar-isi` and `lakip-daftar-keterangan` are defined in typst-template.typ.
local function typst_list(jenis)
  if jenis == "isi" then
    return pandoc.RawBlock("typst", "#lakip-daftar-isi(3)")
  end
  return pandoc.RawBlock("typst", '#lakip-daftar-keterangan("' .. jenis .. '-")')
end

local function daftar(jenis)
  local body
  if is_typst() then
    body = typst_list(jenis)
  else
    body = pandoc.Div({}, pandoc.Attr("", { "lakip-daftar" }, { jenis = jenis }))
  end
  return pandoc.Blocks({ heading(jenis), body })
end

local function mulai_isi()
  if is_typst() then
    return pandoc.RawBlock(
      "typst",
      '#pagebreak(weak: true)\n#set page(numbering: "1")\n#counter(page).update(1)'
    )
  end
  if quarto.doc.is_format("docx") then
    return pandoc.RawBlock("openxml", '<w:p><w:r><w:br w:type="page"/></w:r></w:p>')
  end
  return pandoc.Blocks({})
end

return {
  ["daftar-isi"] = function()
    return daftar("isi")
  end,
  ["daftar-tabel"] = function()
    return daftar("tbl")
  end,
  ["daftar-gambar"] = function()
    return daftar("fig")
  end,
  ["mulai-isi"] = function()
    return mulai_isi()
  end,
}
