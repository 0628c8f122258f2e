"""Date, time and number formats per language that replace Django's (FORMAT_MODULE_PATH)."""
