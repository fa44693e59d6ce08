"""erp-netsuite: reads NetSuite records with SuiteQL over the REST API (token-based authentication)."""
