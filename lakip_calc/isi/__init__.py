"""Report content: tables, charts, narrative fragments, optional sections and the writers of tables and open data."""
