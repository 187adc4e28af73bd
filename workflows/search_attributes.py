"""The search attributes of DOMAIN.md §6: one list, registered everywhere from it.

Only ids, stages, places and dates: search attributes are stored unencrypted.
"""

from temporalio.common import SearchAttributeKey

REFERENCE = SearchAttributeKey.for_keyword("MieuxReference")
STAGE = SearchAttributeKey.for_keyword("MieuxStage")
REGION = SearchAttributeKey.for_keyword("MieuxRegion")
COUNTRY = SearchAttributeKey.for_keyword("MieuxCountry")
THEMES = SearchAttributeKey.for_keyword_list("MieuxThemes")
PROJECT_OFFICER = SearchAttributeKey.for_keyword("MieuxProjectOfficer")
ON_HOLD = SearchAttributeKey.for_bool("MieuxOnHold")
NEXT_DUE = SearchAttributeKey.for_datetime("MieuxNextDue")

ALL = [REFERENCE, STAGE, REGION, COUNTRY, THEMES, PROJECT_OFFICER, ON_HOLD, NEXT_DUE]
