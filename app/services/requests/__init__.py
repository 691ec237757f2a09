"""What schools ask for: the public request form and its follow-up, preferred windows, schools by
UAI, the organizers' queue (triage), slot suggestions and the emails about a request."""
