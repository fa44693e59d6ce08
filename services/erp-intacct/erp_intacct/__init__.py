"""erp-intacct: reads Sage Intacct list data over the XML Web Services API into SmartSync events."""
