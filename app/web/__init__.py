"""HTTP only: one blueprint per audience. Views parse, call one service, commit, render."""
