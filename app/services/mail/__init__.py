"""Email through the transactional outbox: writing (`outbox`), sending (`delivery`) and the
organizers' outbox page (`outbox_desk`)."""
