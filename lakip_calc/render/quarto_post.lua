--[[ The built-in renderer's stand-in for Quarto's caption numbers, run by pandoc
after the extension's filters: "Tabel N: " / "Gambar N: " before the caption of
every numbered table and figure (quarto_pre.lua made them Figures with the
class lakip-tabel or lakip-gambar, in document order). Typst numbers its
figures itself (templates/builtin.typ sets the supplements, and numbers only
figures with a caption: pandoc writes every table as a figure of kind table).
In DOCX a table's caption goes above it, as in the PDF, in HTML (lakip.css) and in
Quarto's DOCX: pandoc writes a figure's caption below its content.
]]

local counts = { ["lakip-tabel"] = 0, ["lakip-gambar"] = 0 }
local titles = {}

local function read_titles(meta)
  local crossref = meta.crossref or {}
  local delim = crossref["title-delim"] and pandoc.utils.stringify(crossref["title-delim"]) or ":"
  local tbl = crossref["tbl-title"] and pandoc.utils.stringify(crossref["tbl-title"]) or "Tabel"
  local fig = crossref["fig-title"] and pandoc.utils.stringify(crossref["fig-title"]) or "Gambar"
  titles["lakip-tabel"] = { tbl, delim }
  titles["lakip-gambar"] = { fig, delim }
end

local function numbered(fig)
  for class, _ in pairs(counts) do
    if fig.classes:includes(class) then
      counts[class] = counts[class] + 1
      if FORMAT:match("typst") then
        return nil
      end
      local title, delim = titles[class][1], titles[class][2]
      local prefix = pandoc.Inlines(title .. "\u{a0}" .. counts[class] .. delim .. " ")
      local long = fig.caption.long
      if #long > 0 and (long[1].t == "Plain" or long[1].t == "Para") then
        long[1].content = prefix .. long[1].content
      else
        long:insert(1, pandoc.Plain(prefix))
      end
      fig.caption.long = long
      return fig
    end
  end
  return nil
end

--- DOCX: a numbered table as its caption, a paragraph in the reference document's
--- style "Table Caption" (kept with the table that follows), then the table itself, in
--- a Div that carries the id (a bookmark for the cross-references). Not a figure: pandoc
--- writes a figure's caption below it, and sets a figure in a table of its own 5.5
--- inches wide, where a table alone spans the text width.
local function caption_above(fig)
  if not (FORMAT:match("docx") and fig.classes:includes("lakip-tabel")) then
    return nil
  end
  local caption = pandoc.Div(fig.caption.long, { ["custom-style"] = "Table Caption" })
  local blocks = pandoc.Blocks({ caption })
  blocks:extend(fig.content)
  return pandoc.Div(blocks, pandoc.Attr(fig.identifier))
end

return {
  { Meta = read_titles },
  { traverse = "topdown", Figure = numbered },
  { Figure = caption_above },
}
