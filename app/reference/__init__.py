"""Reference data of the French school system that the domain relies on."""
