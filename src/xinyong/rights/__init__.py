"""Subject rights: consent to third-party reads (more — objections, repair, reports — to come)."""
