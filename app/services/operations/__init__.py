"""Running the service: health, the scheduler's lease (one scheduler at a time), retention."""
