"""The few rounded aggregates the synthetic demo dataset is calibrated against.

Only London-wide levels, shares and relative sizes live here, rounded to two
significant figures; no row of any real file is kept. Each constant says which
real figure it was read from (files under ``shared/data``, see its README) or,
for the documented inputs that have no public file, that it is an order of
magnitude only.
"""

from __future__ import annotations

# One master seed; every file derives its own generator from it and its own name,
# so changing one generator never shifts the numbers of another file.
SEED = 20260930

# --- Recorded crime (mps_borough_crime/to_2025-11, sum of all rows) -------------------

# Mean monthly MPS total 2023-01..2025-11 was 77,350 (range 69k-83k).
CRIME_LONDON_MONTHLY = 77_000
# Calendar-month ratio of the MPS total to its annual mean, 2022-01..2025-11 (Jan..Dec).
CRIME_SEASONAL = (0.96, 0.92, 1.00, 0.96, 1.03, 1.03, 1.06, 1.01, 0.98, 1.05, 1.03, 0.98)
# Month-to-month noise of the London total beyond seasonality (the real residual sd is ~2%).
CRIME_MONTHLY_NOISE = 0.015
# How far a borough's category mix may differ from London's (lognormal sd of a multiplier);
# in the real files Westminster's theft-from-the-person share is several times the outer boroughs'.
CRIME_BOROUGH_MIX_SD = 0.25
# "Unknown" row: ~1.1-2.5k a month to 2024-08, ~150-230 a month from 2024-09.
CRIME_UNKNOWN_MONTHLY = {"before": 2_000, "after": 180}
CRIME_UNKNOWN_DROP = "2024-09"
# "London Heathrow and London City Airports": ~400-540 a month 2023-04..2024-02, 0 otherwise.
CRIME_AIRPORTS_MONTHLY = 470
CRIME_AIRPORTS_MONTHS = ("2023-04", "2024-02")

# Borough share of the MPS total, Dec-2024..Nov-2025 (2 s.f.; normalised over the 32 at use).
CRIME_BOROUGH_SHARE = {
    "Barking and Dagenham": 0.022, "Barnet": 0.031, "Bexley": 0.017, "Brent": 0.036,
    "Bromley": 0.026, "Camden": 0.045, "Croydon": 0.037, "Ealing": 0.035, "Enfield": 0.032,
    "Greenwich": 0.031, "Hackney": 0.036, "Hammersmith and Fulham": 0.023, "Haringey": 0.032,
    "Harrow": 0.018, "Havering": 0.021, "Hillingdon": 0.034, "Hounslow": 0.029,
    "Islington": 0.034, "Kensington and Chelsea": 0.025, "Kingston upon Thames": 0.013,
    "Lambeth": 0.041, "Lewisham": 0.032, "Merton": 0.015, "Newham": 0.045, "Redbridge": 0.026,
    "Richmond upon Thames": 0.013, "Southwark": 0.044, "Sutton": 0.014, "Tower Hamlets": 0.040,
    "Waltham Forest": 0.026, "Wandsworth": 0.029, "Westminster": 0.093,
}

# Minor-category share of the MPS total, Dec-2024..Nov-2025 (2 s.f.), in the current
# upper-case scheme. FRAUD AND FORGERY is near zero because fraud goes to Action Fraud.
CRIME_CATEGORY_SHARE = {
    ("ARSON AND CRIMINAL DAMAGE", "ARSON"): 0.0023,
    ("ARSON AND CRIMINAL DAMAGE", "CRIMINAL DAMAGE"): 0.058,
    ("BURGLARY", "BURGLARY BUSINESS AND COMMUNITY"): 0.017,
    ("BURGLARY", "RES BURGLARY OF A HOME"): 0.026,
    ("BURGLARY", "RES BURGLARY OF UNCONNECTED BUILDING"): 0.010,
    ("DRUG OFFENCES", "POSSESSION OF DRUGS"): 0.034,
    ("DRUG OFFENCES", "TRAFFICKING OF DRUGS"): 0.025,
    ("FRAUD AND FORGERY", "FRAUD AND FORGERY"): 0.00002,
    ("MISCELLANEOUS CRIMES AGAINST SOCIETY", "MISC CRIMES AGAINST SOCIETY"): 0.014,
    ("POSSESSION OF WEAPONS", "POSSESSION OF WEAPONS"): 0.0066,
    ("PUBLIC ORDER OFFENCES", "OTHER OFFENCES PUBLIC ORDER"): 0.0090,
    ("PUBLIC ORDER OFFENCES", "PUBLIC FEAR ALARM OR DISTRESS"): 0.037,
    ("PUBLIC ORDER OFFENCES", "RACE OR RELIGIOUS AGG PUBLIC FEAR"): 0.015,
    ("PUBLIC ORDER OFFENCES", "VIOLENT DISORDER"): 0.0001,
    ("ROBBERY", "ROBBERY OF BUSINESS PROPERTY"): 0.0089,
    ("ROBBERY", "ROBBERY OF PERSONAL PROPERTY"): 0.026,
    ("SEXUAL OFFENCES", "OTHER SEXUAL OFFENCES"): 0.019,
    ("SEXUAL OFFENCES", "RAPE"): 0.011,
    ("THEFT", "BICYCLE THEFT"): 0.016,
    ("THEFT", "OTHER THEFT"): 0.11,
    ("THEFT", "SHOPLIFTING"): 0.097,
    ("THEFT", "THEFT FROM THE PERSON"): 0.096,
    ("VEHICLE OFFENCES", "AGGRAVATED VEHICLE TAKING"): 0.0005,
    ("VEHICLE OFFENCES", "INTERFERING WITH A MOTOR VEHICLE"): 0.010,
    ("VEHICLE OFFENCES", "THEFT FROM A VEHICLE"): 0.050,
    ("VEHICLE OFFENCES", "THEFT OR UNAUTH TAKING OF A MOTOR VEH"): 0.034,
    ("VIOLENCE AGAINST THE PERSON", "DEATH SERIOUS INJURY ILLEGAL DRIVING"): 0.0002,
    ("VIOLENCE AGAINST THE PERSON", "HOMICIDE"): 0.0001,
    ("VIOLENCE AGAINST THE PERSON", "STALKING AND HARASSMENT"): 0.065,
    ("VIOLENCE AGAINST THE PERSON", "VIOLENCE WITH INJURY"): 0.070,
    ("VIOLENCE AGAINST THE PERSON", "VIOLENCE WITHOUT INJURY"): 0.13,
}

# --- Population and Census (census_ethnicity/, population/) ------------------------

# London (33 LAs) Census 2011 total 8,173,941; Census 2021 total 8,799,731.
LONDON_CENSUS_2011 = 8_200_000
LONDON_CENSUS_2021 = 8_800_000
# Borough share of London's Census 2021 population (2 s.f.; the City of London included).
POPULATION_SHARE = {
    "City of London": 0.0010, "Barking and Dagenham": 0.025, "Barnet": 0.044, "Bexley": 0.028,
    "Brent": 0.039, "Bromley": 0.038, "Camden": 0.024, "Croydon": 0.044, "Ealing": 0.042,
    "Enfield": 0.038, "Greenwich": 0.033, "Hackney": 0.029, "Hammersmith and Fulham": 0.021,
    "Haringey": 0.030, "Harrow": 0.030, "Havering": 0.030, "Hillingdon": 0.035,
    "Hounslow": 0.033, "Islington": 0.025, "Kensington and Chelsea": 0.016,
    "Kingston upon Thames": 0.019, "Lambeth": 0.036, "Lewisham": 0.034, "Merton": 0.025,
    "Newham": 0.040, "Redbridge": 0.035, "Richmond upon Thames": 0.022, "Southwark": 0.035,
    "Sutton": 0.024, "Tower Hamlets": 0.035, "Waltham Forest": 0.032, "Wandsworth": 0.037,
    "Westminster": 0.023,
}
# Mid-year estimates grow ~0.7% a year (London mid-2011 8.20m to mid-2022 8.87m).
POPULATION_GROWTH = 0.007

# London Census 2011 shares of the 18 detailed groups (QS201EW, 2 s.f.), by broad group.
CENSUS_2011_SHARE = {
    "White": {"English/Welsh/Scottish/Northern Irish/British": 0.45, "Irish": 0.022,
              "Gypsy or Irish Traveller": 0.0010, "Other White": 0.13},
    "Mixed": {"White and Black Caribbean": 0.015, "White and Black African": 0.0080,
              "White and Asian": 0.012, "Other Mixed": 0.015},
    "Asian": {"Indian": 0.066, "Pakistani": 0.027, "Bangladeshi": 0.027, "Chinese": 0.015,
              "Other Asian": 0.049},
    "Black": {"African": 0.070, "Caribbean": 0.042, "Other Black": 0.021},
    "Other": {"Arab": 0.013, "Any other ethnic group": 0.021},
}
# How much a borough's group shares depart from London's (lognormal sd of a multiplier;
# real borough Black shares run from ~3% to ~27% and Asian from ~5% to ~40% of residents).
CENSUS_BOROUGH_SPREAD = 0.45
# London Census 2021 shares by the 8-category code (2 s.f.): 1 Asian, 2 Black, 3 Mixed,
# 4 White British, 5 White Irish, 6 Other White (incl. Gypsy/Roma), 7 Other.
CENSUS_2021_SHARE = {1: 0.21, 2: 0.14, 3: 0.058, 4: 0.37, 5: 0.018, 6: 0.15, 7: 0.063}

# --- Stop and search (stop_search/police_uk_csv_2017-12_to_2019-02, Apr-2018..Feb-2019) ----

# The Met runs at roughly 10k searches a month (the 2018-19 CSV months were 9.6k-18.4k).
SS_LONDON_MONTHLY = 10_000
# Officer-defined ethnicity of all searches ("" = not recorded).
SS_ETHNICITY_SHARE = {"Black": 0.42, "White": 0.36, "Asian": 0.17, "Other": 0.036, "": 0.017}
SS_NO_LOCATION = 0.08  # 7-9% of records a month have no latitude/longitude
SS_OUTSIDE = 0.003  # 382 of ~139k located points fell outside the borough polygons
SS_TYPE_SHARE = {"Person search": 0.75, "Person and Vehicle search": 0.24, "Vehicle search": 0.014}
SS_OBJECT_SHARE = {
    "Controlled drugs": 0.57, "Offensive weapons": 0.20, "Stolen goods": 0.11,
    "Evidence of offences under the Act": 0.055, "Anything to threaten or harm anyone": 0.049,
    "Firearms": 0.0087, "Fireworks": 0.0041, "Articles for use in criminal damage": 0.0033,
}
SS_OUTCOME_SHARE = {
    "A no further action disposal": 0.73, "Arrest": 0.15, "Community resolution": 0.078,
    "Penalty Notice for Disorder": 0.021, "Summons / charged by post": 0.012,
    "Khat or Cannabis warning": 0.0073, "Caution (simple or conditional)": 0.0007,
}
SS_GENDER_SHARE = {"Male": 0.93, "Female": 0.062, "Other": 0.0004}
SS_AGE_SHARE = {"18-24": 0.36, "25-34": 0.22, "10-17": 0.18, "over 34": 0.16, "": 0.08, "under 10": 0.0001}
# Share of each officer-defined group whose self-defined ethnicity falls in the same group
# (Asian 0.78, Black 0.73, White 0.83); most of the rest is "Other ethnic group - Not stated".
SS_SELF_DEFINED_AGREEMENT = 0.78

# --- Public Attitude Survey (pas_confidence/, MPS value 31/12/2014 and 31/12/2023) --------

PAS_MPS_LEVELS = {
    '"Good Job" local': (0.67, 0.47),
    "Contact ward officer": (0.41, 0.13),
    "Informed local": (0.49, 0.29),
    "Listen to concerns": (0.74, 0.57),
    "Relied on to be there": (0.77, 0.59),
    "Treat everyone fairly": (0.74, 0.62),
    "Understand issues": (0.72, 0.57),
    "Trust MPS": (0.86, 0.69),  # first published 31/03/2016
}
# Spread of boroughs around the MPS value ("Good Job" local 2023-12: 0.38 to 0.61).
PAS_BOROUGH_SD = 0.05

# --- Homicide (mps_homicide/Homicides_2003_2023.csv) -------------------------------------

HOMICIDE_VICTIMS_PER_YEAR = 115  # 2019 = 153, 2022 = 108 victims
HOMICIDE_METHOD_SHARE = {
    "Knife or Sharp Implement": 0.52, "Other Methods of Killing": 0.14, "Shooting": 0.11,
    "Physical Assault, no weapon": 0.10, "Blunt Implement": 0.069, "Not known/Not Recorded": 0.053,
}
HOMICIDE_DOMESTIC_SHARE = 0.17  # 493 of 2,912 rows
HOMICIDE_SOLVED_SHARE = 0.88  # 2,573 of 2,912 rows
HOMICIDE_FEMALE_SHARE = 0.24  # 695 of 2,912 rows (2 more are "Unrecorded Gender")
HOMICIDE_AGE_SHARE = {  # "13 to19" is the published label, missing space included
    "0 to 12": 0.056, "13 to19": 0.14, "20 to 24": 0.16, "25 to 34": 0.22, "35 to 44": 0.16,
    "45 to 54": 0.12, "55 to 64": 0.069, "65 and over": 0.078,
}
HOMICIDE_OFFENCE_SHARE = {"Murder": 0.95, "Manslaughter": 0.049, "Corporate Manslaughter": 0.0041,
                          "Infanticide": 0.0014}
HOMICIDE_ETHNICITY_SHARE = {"White": 0.46, "Black": 0.36, "Asian": 0.15, "Other": 0.016,
                            "Unrecorded / Unknown": 0.0082}

# --- Documented inputs: no public borough file exists (README section 8), so these are
# orders of magnitude from MOPAC/MPS/MoJ dashboards, not calibrated against a file. ---------

ASB_LONDON_MONTHLY = 20_000
USS_MPS_LEVELS = {  # rolling-12-month % satisfied, start of series (2012) and 2026
    "overall": (76.0, 64.0), "ease_of_contact": (92.0, 88.0), "police_actions": (73.0, 60.0),
    "treatment": (87.0, 81.0), "follow_up": (63.0, 50.0), "white": (78.0, 67.0), "bme": (72.0, 59.0),
}
USS_RESPONDENTS_PER_BOROUGH = 330  # ~10-11k interviews a year Met-wide
COMPLAINTS_LONDON_MONTHLY = 1_000  # allegations recorded a month, boroughs only
WORKFORCE_LONDON = 30_000  # officers + staff on the 32 boroughs' BCUs (FTE)
CUSTODY_VISITS_PER_QUARTER = 13  # roughly one scheduled visit a week per panel

# The MPS crime dashboard's "other crime" measures, offences a month London-wide (boroughs only).
# Illustrative orders of magnitude, not calibrated against a file.
OTHER_CRIME_LONDON_MONTHLY = {
    "Youth Violence": 1_400, "Serious Youth Violence": 550, "Gun Crime": 120, "Knife Crime": 1_200,
    "Knife Crime with Injury": 380, "Domestic Abuse": 7_500, "Homophobic Crime": 220,
    "Racist & Religious Hate Crime": 1_500, "Disability Hate Crime": 60, "Transgender Hate Crime": 30,
    "Faith Hate Crime": 150, "Hate Crime": 1_700, "Child Sexual Exploitation": 60,
}

# Plan commitments. The 2017-21 figures are from MOPAC's published reporting on the Police and
# Crime Plan 2017-21: 119 commitments in the plan, 87% of them complete or on track at its end
# (as at March 2021), and 39 commitments in the Knife Crime Strategy, 37 of them complete.
PCP_2017_COMMITMENTS = 119
PCP_2017_COMPLETE_OR_ON_TRACK = 0.87
KNIFE_CRIME_STRATEGY_COMMITMENTS = 39
KNIFE_CRIME_STRATEGY_COMPLETE = 37
# The 2022-25 plan's tracker: an illustrative size only.
PCP_2022_COMMITMENTS = 60
