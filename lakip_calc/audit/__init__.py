"""Audit and publishing: the manifest, verification against what was delivered, comparing files, the site, its source bundles and the regency index."""
