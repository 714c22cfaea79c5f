--[[ The built-in renderer's stand-in for the parts of Quarto the report uses,
run by pandoc before the extension's own filters (quarto_post.lua after them).

- conditional content: `.content-visible` / `.content-hidden` with
  `when-format` / `unless-format` and `when-meta` / `unless-meta` (a dotted
  metadata key whose value is the boolean true, as in Quarto);
- shortcodes that stand on their own line (the Python driver turns each into
  `::: {.builtin-shortcode name="..."}`): `pagebreak`, and every shortcode of
  the extension's shortcode files (metadata `builtin-shortcodes`), called as
  Quarto calls them;
- numbered tables and figures: a `tbl-`/`fig-` Div (the last paragraph is the
  caption), a captioned table with a `tbl-` id, an image figure with a `fig-`
  id become pandoc Figures, numbered in document order; `@tbl-x` / `@fig-x`
  become links reading "Tabel N" / "Gambar N" (`-@tbl-x`: the number alone).

The shortcode functions see a small `quarto` table: `quarto.doc.is_format`.
]]

local FORMATS = {
  html = { html = true, html5 = true, html4 = true, ["html:js"] = true },
  typst = { typst = true, pdf = true, latex = true },
  docx = { docx = true },
}

local function current()
  if FORMAT:match("html") then
    return "html"
  elseif FORMAT:match("typst") then
    return "typst"
  end
  return FORMAT
end

local function is_format(name)
  local aliases = FORMATS[current()] or {}
  return aliases[name] == true or name == current()
end

quarto = quarto or {}
quarto.doc = quarto.doc or {}
quarto.doc.is_format = is_format

-- Conditional content ------------------------------------------------------------

local function listed(value)
  if value == nil then
    return nil
  end
  for name in value:gmatch("[^%s,]+") do
    if is_format(name) then
      return true
    end
  end
  return false
end

local document_meta = {}

-- Quarto's when-meta: the dotted key's value must be the boolean true.
local function meta_true(key)
  local value = document_meta
  for part in key:gmatch("[^.]+") do
    if type(value) ~= "table" then
      return false
    end
    value = value[part]
  end
  return value == true
end

local function any_meta(value)
  if value == nil then
    return nil
  end
  for key in value:gmatch("[^%s,]+") do
    if meta_true(key) then
      return true
    end
  end
  return false
end

-- Every condition present must hold (Quarto ANDs them).
local function matches(el)
  local result = true
  for _, test in ipairs({
    { listed(el.attributes["when-format"]), false },
    { listed(el.attributes["unless-format"]), true },
    { any_meta(el.attributes["when-meta"]), false },
    { any_meta(el.attributes["unless-meta"]), true },
  }) do
    if test[1] ~= nil then
      result = result and (test[1] ~= test[2])
    end
  end
  return result
end

local function visible(el)
  if el.classes:includes("content-visible") then
    return matches(el)
  elseif el.classes:includes("content-hidden") then
    return not matches(el)
  end
  return nil
end

local function conditional(el)
  local keep = visible(el)
  if keep == nil then
    return nil
  end
  return keep and el.content or {}
end

-- Shortcodes ----------------------------------------------------------------------

local PAGEBREAK = {
  html = pandoc.RawBlock("html", '<div style="page-break-after: always;"></div>'),
  typst = pandoc.RawBlock("typst", "#pagebreak()"),
  docx = pandoc.RawBlock("openxml", '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'),
}

local handlers = {}

local function load_shortcodes(meta)
  for _, path in ipairs(meta["builtin-shortcodes"] or {}) do
    local file = pandoc.utils.stringify(path)
    local result = dofile(file)
    for name, handler in pairs(result or {}) do
      handlers[name] = handler
    end
  end
  handlers["pagebreak"] = function()
    return PAGEBREAK[current()] or {}
  end
end

local function shortcode(div)
  if not div.classes:includes("builtin-shortcode") then
    return nil
  end
  local name = div.attributes["name"]
  local handler = handlers[name]
  if handler == nil then
    error("shortcode tidak dikenal: '" .. tostring(name) .. "' (" .. tostring(div.attributes["where"]) .. ")")
  end
  local result = handler({}, {}, {}, "", "block")
  if result == nil then
    return {}
  end
  if pandoc.utils.type(result) == "Block" then
    return { result }
  end
  return result
end

-- Numbered tables and figures, and references to them ---------------------------

local numbers = {} -- identifier -> { kind, number }
local counts = { tbl = 0, fig = 0 }

local function kind_of(identifier)
  local kind = identifier:match("^(%a+)%-")
  if counts[kind] ~= nil then
    return kind
  end
  return nil
end

local function number(identifier)
  local kind = kind_of(identifier)
  if kind == nil or numbers[identifier] then
    return nil
  end
  counts[kind] = counts[kind] + 1
  numbers[identifier] = { kind, counts[kind] }
  return kind
end

local function float_attr(identifier, kind)
  return pandoc.Attr(identifier, { kind == "tbl" and "lakip-tabel" or "lakip-gambar" })
end

local function float_div(div)
  local kind = number(div.identifier)
  if kind == nil then
    return nil
  end
  local blocks = div.content
  local last = blocks[#blocks]
  if last == nil or last.t ~= "Para" then
    error("'" .. div.identifier .. "' tidak diakhiri paragraf keterangan")
  end
  local body = pandoc.Blocks({})
  for i = 1, #blocks - 1 do
    body:insert(blocks[i])
  end
  return pandoc.Figure(body, { pandoc.Plain(last.content) }, float_attr(div.identifier, kind))
end

local function float_table(tbl)
  local kind = number(tbl.identifier)
  if kind == nil then
    return nil
  end
  local caption = tbl.caption.long
  local id = tbl.identifier
  tbl.identifier = ""
  tbl.caption = pandoc.Caption()
  return pandoc.Figure({ tbl }, caption, float_attr(id, kind))
end

local function float_figure(fig)
  local kind = number(fig.identifier)
  if kind == nil then
    return nil
  end
  fig.classes:insert(kind == "tbl" and "lakip-tabel" or "lakip-gambar")
  return fig
end

local titles = {}

local function read_titles(meta)
  local crossref = meta.crossref or {}
  titles.tbl = crossref["tbl-title"] and pandoc.utils.stringify(crossref["tbl-title"]) or "Tabel"
  titles.fig = crossref["fig-title"] and pandoc.utils.stringify(crossref["fig-title"]) or "Gambar"
end

local function reference(cite)
  if #cite.citations ~= 1 then
    return nil
  end
  local citation = cite.citations[1]
  local kind = kind_of(citation.id)
  if kind == nil then
    return nil
  end
  local found = numbers[citation.id]
  if found == nil then
    error("rujukan tidak dikenal atau tersembunyi di format ini: @" .. citation.id)
  end
  local text = tostring(found[2])
  if citation.mode ~= "SuppressAuthor" then
    text = titles[kind] .. "\u{a0}" .. text
  end
  return pandoc.Link(pandoc.Inlines(text), "#" .. citation.id, "", pandoc.Attr("", { "quarto-xref" }))
end

return {
  { Meta = function(meta)
    document_meta = meta
    load_shortcodes(meta)
    read_titles(meta)
  end },
  { Div = conditional, Span = conditional },
  { Div = shortcode },
  { traverse = "topdown", Div = float_div, Table = float_table, Figure = float_figure },
  { Cite = reference },
}
