"""Province boundaries and names for Pakistan and Afghanistan (EPSG:4326)."""
