"""Operations: health, metrics, and parked events with their command line."""
