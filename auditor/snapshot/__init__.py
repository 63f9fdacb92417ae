"""Files to canonical tables: reading, header specs, normalising, prices, catalogue, inventory."""
