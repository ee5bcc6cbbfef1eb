"""Policy versions, visit analytics, data-subject requests and disclosures."""
