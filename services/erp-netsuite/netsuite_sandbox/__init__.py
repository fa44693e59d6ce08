"""A standalone NetSuite sandbox: SuiteQL over REST with token-based authentication, over seeded data."""
