--[[ The built-in renderer's HTML images, embedded as Quarto's embed-resources
does: every image the document references becomes a data URI (pandoc's
mediabag reads it, relative to the report folder; an SVG is base64). The
stylesheets are written into the page by the renderer itself, so pandoc's
--embed-resources, which re-reads the whole written page, is not needed.
]]

function Image(img)
  if img.src:match("^data:") then
    return nil
  end
  local mime, contents = pandoc.mediabag.fetch(img.src)
  img.src = pandoc.mediabag.make_data_uri(mime, contents)
  return img
end
