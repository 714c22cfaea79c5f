"""Domain computations: numbers with their provenance, budget roll-up, capaian and predikat, Indonesian number formats and terbilang, the reconciliation."""
