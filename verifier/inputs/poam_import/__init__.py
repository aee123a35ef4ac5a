"""Readers that turn an existing POA&M (FedRAMP or eMASS spreadsheet, CSV, OSCAL) into rows to import."""
