"""A standalone QuickBooks Online sandbox: OAuth 2.0 token endpoint, query and CDC endpoints over seeded data."""
