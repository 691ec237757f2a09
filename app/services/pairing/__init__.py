"""Role models on events: assignments and their seats (bookings), invitations and their answers,
matching proposals and the organizers' pairing board."""
