"""A standalone Sage Intacct sandbox: the XML Web Services gateway protocol over seeded, changeable data."""
