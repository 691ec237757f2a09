"""People who sign in: users and passwords, sign-in links by email, personal API tokens."""
