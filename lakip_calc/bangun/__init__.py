"""Building: the pipeline, the notebook runner and scheduler, process handling, the cache, the notebooks' helpers, the report project, every office at once and atomic writes and file hashes."""
