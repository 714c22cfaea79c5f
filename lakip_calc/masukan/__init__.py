"""Data model and loading: the schema of a year's files, the loader and its checks, the shapes and limits of text and cells, the office's profile, the regency layout."""
