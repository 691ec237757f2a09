"""Impact statistics (figures and their computation) and the CSV exports for spreadsheets."""
