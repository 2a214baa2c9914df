import pytest

from boardpack.errors import UnknownBoroughError
from boardpack.registry import normalise_name


def test_registry_has_the_32_mps_boroughs(registry):
    codes = registry.codes
    assert len(codes) == 32 and len(set(codes)) == 32
    assert codes == [f"E09{n:06d}" for n in range(2, 34)]
    assert "E09000001" not in codes  # the City has its own police force
    slugs = [b.slug for b in registry.boroughs]
    assert len(set(slugs)) == 32 and all(s == s.lower() and " " not in s for s in slugs)


@pytest.mark.parametrize(
    "label, code",
    [
        ("City of Westminster", "E09000033"),
        ("Richmond Upon Thames", "E09000027"),
        ("Richmond upon Thames", "E09000027"),
        ("Barking & Dagenham", "E09000002"),
        ("Brent ", "E09000005"),
        ("  waltham   forest", "E09000031"),
        ("waltham-forest", "E09000031"),
        ("E09000031", "E09000031"),
        ("Kensington & Chelsea", "E09000020"),
        ("Kingston Upon Thames", "E09000021"),
        ("W&sworth", "E09000032"),
        ("London Borough of Camden", "E09000007"),
    ],
)
def test_every_spelling_in_the_public_files_resolves(registry, label, code):
    assert registry.area_code(label) == code
    assert registry.get(label).gss_code == code


@pytest.mark.parametrize(
    "label, code",
    [("London Heathrow and London City Airports", "AIRPORTS"), ("Heathrow ", "AIRPORTS"),
     ("Unknown", "UNKNOWN"), ("MPS", "MPS"), ("City of London", "CITY")],
)
def test_non_borough_areas_have_their_own_codes(registry, label, code):
    assert registry.area_code(label) == code
    with pytest.raises(UnknownBoroughError):
        registry.get(label)


def test_unknown_borough_message_names_the_label(registry):
    assert registry.area_code("Gotham") is None
    with pytest.raises(UnknownBoroughError, match="'Gotham'"):
        registry.get("Gotham")


def test_normalise_name_folds_case_space_and_ampersand():
    assert normalise_name(" Hammersmith &  Fulham ") == "hammersmith and fulham"
