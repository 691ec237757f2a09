"""What every domain uses: domain errors, access checks, organizer scope, the audit writer."""
