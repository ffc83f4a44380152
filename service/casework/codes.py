"""The code lists of children's records, each once: the code the API takes and the words
the pages show. The API's checks, the OpenAPI document and the pages all read them here,
so a code added is accepted, described and shown alike.

Codes are the DfE's SSDA903 (or CIN census) codes wherever one exists; the others are ours.
"""

GENDERS = {"M": "Male", "F": "Female", "U": "Not known"}
ETHNICITIES = {  # SSDA903
    "WBRI": "White British",
    "WIRI": "White Irish",
    "WOTH": "Any other White background",
    "WIRT": "Traveller of Irish heritage",
    "WROM": "Gypsy or Roma",
    "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African",
    "MWAS": "White and Asian",
    "MOTH": "Any other mixed background",
    "AIND": "Indian",
    "APKN": "Pakistani",
    "ABAN": "Bangladeshi",
    "AOTH": "Any other Asian background",
    "BCRB": "Caribbean",
    "BAFR": "African",
    "BOTH": "Any other Black background",
    "CHNE": "Chinese",
    "OOTH": "Any other ethnic group",
    "REFU": "Refused",
    "NOBT": "Information not yet obtained",
}
LEGAL_STATUSES = {  # SSDA903
    "C1": "Interim care order",
    "C2": "Full care order",
    "D1": "Freeing order granted",
    "E1": "Placement order granted",
    "J1": "Remanded to local authority or youth detention accommodation",
    "J2": "Placed in local authority accommodation under PACE",
    "J3": "Youth rehabilitation order with residence",
    "L1": "Police protection",
    "L2": "Emergency protection order",
    "L3": "Child assessment order",
    "V2": "Single period of accommodation under section 20",
    "V3": "Series of short breaks (episodes recorded)",
    "V4": "Series of short breaks (agreements recorded)",
}
SHORT_BREAKS = "V4"  # the legal status whose reviews follow the short-break timescales
PLACEMENT_TYPES = {
    "foster": "Foster care",
    "residential": "Children's home",
    "placed_with_parents": "Placed with parents",
    "secure": "Secure children's home",
    "semi_independent": "Semi-independent living",
    "other": "Other placement",
}
CEASED_REASONS = {
    "returned_home": "Returned home to parents or relatives",
    "adopted": "Adopted",
    "special_guardianship": "Special guardianship order",
    "child_arrangements_order": "Child arrangements order",
    "independent_living": "Moved to independent living",
    "transferred": "Moved to another local authority",
    "age_18": "Turned 18",
    "custody": "Sentenced to custody",
    "died": "Died",
    "other": "Another reason",
}
SIGNIFICANT_CHANGES = {  # protocol 3.6.1
    "review_decisions_delayed": "Review decisions not carried out, or delayed",
    "missing_over_3_days": "Missing from care for more than 3 days",
    "unplanned_placement_change": "Unplanned change of placement",
    "court_order": "Court order made or varied",
    "serious_health_finding": "Serious finding about the child's health",
    "discharge_from_care": "Plan to discharge from care",
    "joint_agency_panel_outcome": "Outcome of a joint agency panel",
    "fostering_panel_outcome": "Outcome of a fostering panel",
    "adoption_panel_outcome": "Outcome of an adoption panel",
    "change_of_placement": "Change of placement",
    "adoption_action_plan_update": "Update to the adoption action plan",
    "school_exclusion_over_5_days": "Excluded from school for more than 5 days",
    "family_change": "Significant change in the family",
    "arrest_bail_conviction": "Arrest, bail or conviction",
    "serious_accident": "Serious accident or injury",
    "change_of_social_worker": "Change of social worker",
    "unplanned_discharge": "Unplanned discharge from care",
    "complaint": "Complaint by or about the child",
}
CARE_PLAN_CHANGES = {  # protocol 3.6.3: these wait for a review endorsed by the IRO
    "regulated_to_unregulated_before_18": "Move from a regulated to an unregulated placement before 18",
    "unplanned_move_disrupting_education": "Unplanned move that disrupts education",
    "move_from_settled_residential": "Move from a settled residential placement",
    "discharge_from_secure_or_custody": "Discharge from a secure children's home or custody",
}
CP_CATEGORIES = {  # Working Together's categories of abuse
    "neglect": "Neglect",
    "physical": "Physical abuse",
    "sexual": "Sexual abuse",
    "emotional": "Emotional abuse",
    "multiple": "Multiple categories",
}
CP_ENDED_REASONS = {
    "no_longer_at_risk": "No longer at risk of significant harm",
    "became_looked_after": "Became looked after",
    "transferred": "Moved to another local authority",
    "age_18": "Turned 18",
    "other": "Another reason",
}
CP_EPISODE_STATUSES = {
    "enquiry": "before the initial conference",
    "plan": "on a child protection plan",
    "no_conference": "ended without a conference",
    "no_plan": "the conference decided no plan",
    "ended": "the plan has ended",
}
CONFERENCE_KINDS = {
    "initial": "Initial conference",
    "pre_birth": "Pre-birth conference",
    "transfer_in": "Transfer-in conference",
    "review": "Review conference",
}
CONFERENCE_INVITEES = {"parent_carer": "Parent or carer", "child": "The child", "agency": "Agency", "other": "Other"}
CONFERENCE_DECISIONS = {
    "plan": "Child protection plan",
    "no_plan": "No plan",
    "continue": "Plan continues",
    "end": "Plan ends",
}
EVENT_TYPES = {
    "became_looked_after": "Became looked after",
    "ceased_looked_after": "Stopped being looked after",
    "significant_change": "Significant change",
    "cp_strategy_discussion": "Child protection strategy discussion",
    "cp_plan_started": "Child protection plan started",
    "cp_plan_ended": "Child protection plan ended",
}
