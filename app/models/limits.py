"""How long or how large the values people type may be: the model's column, the web form and
the API schema of a field all read its limit here, so they cannot drift apart.

Changing a length that sizes a `String(n)` column changes the schema: it needs a migration.
UAI_LENGTH, HEADCOUNT_MAX, CAPACITY_MAX and MONTHLY_CAP_MAX are also in CHECK constraints, which Alembic does
not compare: `db check` stays silent when they change, the migration must say it. Messages that
spell a limit out ("200 caractères au plus.") are translated as they are written and must be
changed with it.
"""

from datetime import date

# --- people -------------------------------------------------------------------------------------

FULL_NAME_MAX = 200  # first and last name in one field (school contacts, users)
FIRST_NAME_MAX = 100
LAST_NAME_MAX = 100
EMAIL_MAX = 254  # the longest address SMTP can deliver to (RFC 5321 path limit)
PHONE_MAX = 40
JOB_TITLE_MAX = 200
COMPANY_MAX = 200
# Passwords of organizer and admin accounts (role models sign in by email link). The upper bound
# keeps the strength check and the hashing of one attempt cheap.
PASSWORD_MIN = 12
PASSWORD_MAX = 128

# --- days -------------------------------------------------------------------------------------

# The days a page, an export or the API accepts: far enough for any real plan, and away from the
# ends of Python's calendar (year 1, year 9999), where a week, a month or a time zone overflows.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)

# --- places -------------------------------------------------------------------------------------

DEPARTEMENT_MAX = 3  # "75", "2A", "974"
DEPARTEMENTS_TEXT_MAX = 300  # several départements typed in one field ("75, 92 93")
COMMUNE_MAX = 120
POSTAL_CODE_LENGTH = 5
UAI_LENGTH = 8
UAI_INPUT_MAX = 12  # read before the UAI is checked (a real one has UAI_LENGTH characters)
SCHOOL_NAME_MAX = 200

# --- events -------------------------------------------------------------------------------------

EVENT_TITLE_MAX = 200
VENUE_MAX = 200
ADDRESS_MAX = 300
TIMEZONE_MAX = 64
CAPACITY_MAX = 100_000
TOPICS_TEXT_MAX = 500  # the organizer form's comma-separated topics
TOPIC_MAX = 100  # one topic, in the API's list
TOPICS_MAX = 20
CLASS_LEVEL_MAX = 40
HEADCOUNT_MAX = 1000  # pupils in one class or group; girls are counted within it
REASON_MAX = 2000  # why an event or a request is cancelled, declined or withdrawn

# Feedback after an event. Pupils in an answer are bounded by the event itself (the class sizes
# asked for the school, else the capacity: app.services.events.feedback.pupils_limit); where
# neither is known, a school answers for at most HEADCOUNT_MAX pupils (the most it could have
# asked for) and a role model for at most CAPACITY_MAX (the largest event organizers can
# create). CAPACITY_MAX is also the column's CHECK, whatever writes the row.
FEEDBACK_COMMENT_MAX = 2000

# The organizer form accepts less than the API for these: both are kept as they were until
# someone decides which is right.
EVENT_DESCRIPTION_FORM_MAX = 5000
EVENT_DESCRIPTION_API_MAX = 10_000
ONLINE_URL_FORM_MAX = 500
ONLINE_URL_API_MAX = 2000
ROLE_MODELS_PER_EVENT_FORM_MAX = 20
ROLE_MODELS_PER_EVENT_API_MAX = 50

# --- visit requests -----------------------------------------------------------------------------

REMARKS_MAX = 2000
IDEMPOTENCY_KEY_MIN = 16
IDEMPOTENCY_KEY_MAX = 64

# --- role models --------------------------------------------------------------------------------

SECTORS_TEXT_MAX = 500  # the portal form's comma-separated sectors
MONTHLY_CAP_MAX = 60
PRESENTATION_MAX = 2000
DAY_OFF_REASON_MAX = 200
ANSWER_REASON_MAX = 1000  # the word a role model leaves when declining an invitation
CALENDAR_LABEL_MAX = 100

# --- accounts -----------------------------------------------------------------------------------

API_TOKEN_NAME_MAX = 100

# --- programmes ----------------------------------------------------------------------------------

PART_TITLE_MAX = 200
TABLE_LABEL_MAX = 100
GROUP_LABEL_MAX = 100
JOB_FAMILY_LABEL_MAX = 100
# A national forum has some forty tables, thirty groups and eight rounds: far below these.
ROUNDS_MAX = 24
TABLES_MAX = 100
GROUPS_MAX = 100
PARTS_MAX = 30
ROUND_MINUTES_MAX = 240
TABLE_CAPACITY_MAX = 10
