"""The connector framework shared by every ERP connector: streams, state, checkpoints and the sync runner."""
