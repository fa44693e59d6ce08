"""erp-qbo: reads QuickBooks Online list data and transactions over the Accounting API v3."""
