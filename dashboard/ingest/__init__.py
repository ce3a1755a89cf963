"""Files in, rows in the store: adapters, validation, normalisation, atomic writes."""
