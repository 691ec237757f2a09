"""Role models: applying, approval, profile and availability, the organizers' directory,
personal data (export, deletion), their own calendars (sync) and their week."""
