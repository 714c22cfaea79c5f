--[[ DOCX: a numbered table or figure as the built-in renderer writes it, run after
Quarto has rendered its floats (`at: post-render`).

Quarto sets every table and figure of a DOCX in a layout table of one cell
holding the caption and the content. That table takes the reference document's
table style "Table", so each float got the data tables' borders: a box around
every table and figure, and a chart wider than the cell was cut at its edge.
Here such a cell comes out of its table: the caption in the reference
document's style "Table Caption" above a table, the image in "Captioned Figure"
(its caption as its description) and the caption in "Image Caption" below it,
in a Div that keeps the float's id (the bookmark the cross-references link
to). A layout of several cells (subfigures) is left as Quarto made it.

The built-in renderer loads this file too; its DOCX has no such tables, and the
filter finds nothing there.
]]

local JENIS = { tbl = "Table Caption", fig = "Image Caption" }

--- The one Div of a table of one cell, or nil.
local function isi_satu_sel(tbl)
  if #tbl.head.rows > 0 or #tbl.foot.rows > 0 or #tbl.bodies ~= 1 then
    return nil
  end
  local badan = tbl.bodies[1]
  if #badan.head > 0 or #badan.body ~= 1 or #badan.body[1].cells ~= 1 then
    return nil
  end
  local isi = badan.body[1].cells[1].contents
  if #isi == 1 and isi[1].t == "Div" then
    return isi[1]
  end
  return nil
end

--- The caption paragraph's text without Quarto's raw paragraph properties.
local function teks_keterangan(para)
  local teks = pandoc.Inlines({})
  for _, inline in ipairs(para.content) do
    if not (inline.t == "RawInline" and inline.format == "openxml") then
      teks:insert(inline)
    end
  end
  return teks
end

local function ber_gaya(gaya, blok)
  return pandoc.Div({ blok }, { ["custom-style"] = gaya })
end

--- Quarto's caption paragraph: its first inline is raw OpenXML paragraph properties.
local function adalah_keterangan(blok)
  local awal = blok.t == "Para" and blok.content[1]
  return awal and awal.t == "RawInline" and awal.format == "openxml"
end

--- A figure's image with its caption as the description (Quarto leaves it empty).
local function dengan_deskripsi(para, keterangan)
  return para:walk({
    Image = function(img)
      if #img.caption == 0 and keterangan then
        img.caption = keterangan
        return img
      end
    end,
  })
end

--- Caption and content of a float's cell, as the built-in DOCX has them.
local function lepas_dari_tabel(div, jenis)
  local keterangan
  for _, b in ipairs(div.content) do
    if adalah_keterangan(b) then
      keterangan = teks_keterangan(b)
    end
  end
  local blok = pandoc.Blocks({})
  for _, b in ipairs(div.content) do
    if adalah_keterangan(b) then
      blok:insert(ber_gaya(JENIS[jenis], pandoc.Para(keterangan)))
    elseif jenis == "fig" and (b.t == "Para" or b.t == "Plain") then
      local gambar = dengan_deskripsi(pandoc.Para(b.content), keterangan)
      blok:insert(ber_gaya("Captioned Figure", gambar))
    else
      blok:insert(b)
    end
  end
  return pandoc.Div(blok, pandoc.Attr(div.identifier))
end

local function apung(tbl)
  if not FORMAT:match("docx") then
    return nil
  end
  local div = isi_satu_sel(tbl)
  local jenis = div and div.identifier:match("^(%a+)%-")
  if not (jenis and JENIS[jenis]) then
    return nil
  end
  return lepas_dari_tabel(div, jenis)
end

return { { Table = apung } }
