"""The shop's database: tables, repositories, unit of work and migrations."""
