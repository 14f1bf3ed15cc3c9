"""The widget configuration: scales per touchpoint, language choice, site overrides."""
import pytest

from widget_server import locales

from .helpers import ORIGIN


def config(client, site, lang="", origin=ORIGIN):
    headers = {"Origin": origin} if origin else {}
    return client.get(f"/api/v1/sites/{site.key}/config?lang={lang}", headers=headers)


def test_defaults_ask_the_agreement_scale_with_wording_per_touchpoint(client, site):
    response = config(client, site, "en-GB")

    assert response.status_code == 200
    body = response.json
    assert body["lang"] == "en"
    assert body["touchpoints"]["self-service"] == {
        "scale": "agreement7",
        "question": "Acme made it easy for me to handle my issue.",
        "reasons": list(locales.REASONS_BY_TOUCHPOINT["self-service"]),
    }
    assert "article" in body["touchpoints"]["kb-article"]["question"]
    assert "chat" in body["touchpoints"]["chatbot-exit"]["question"]
    assert body["scales"] == {"agreement7": {"points": 7, "low": "Strongly disagree", "high": "Strongly agree",
                                             "classes": "dddneee"}}
    assert (body["cooldownDays"], body["samplePercent"]) == (30, 100)
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "max-age=300" in response.headers["Cache-Control"]


def test_site_scale_per_touchpoint_decides(client, site):
    site.change(scale="ease5", touchpoint_scales={"kb-article": "effort5"})
    site.save()

    body = config(client, site).json

    assert body["touchpoints"]["self-service"]["scale"] == "ease5"
    assert body["touchpoints"]["kb-article"]["scale"] == "effort5"
    assert body["touchpoints"]["kb-article"]["question"].startswith("How much effort")
    assert "other" not in body  # unconfigured touchpoint names are asked like self-service
    assert set(body["scales"]) == {"ease5", "effort5"}
    assert (body["scales"]["effort5"]["classes"], body["scales"]["ease5"]["classes"]) == ("eendd", "ddnee")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("nl-BE,en", "nl"), ("de", "de"), ("fr-CA", "fr"), ("es-419,en", "es"), ("ja,pt", "ja"), ("zh,ko", "en"), ("pt-BR", "pt"), ("ar-EG", "ar"), ("", "en"), ("xx,de-AT", "de")],
)
def test_language_is_the_first_one_we_have(client, site, lang, expected):
    body = config(client, site, lang).json

    assert body["lang"] == expected
    assert body["text"]["close"] == locales.STRINGS[expected]["close"]


def test_site_overrides_strings_per_language_and_for_all(client, site):
    site.change(texts={
        "*": {"question.kb-article": "Did this article help?"},
        "nl": {"thanks": "Dank je wel!"},
        "sv": {"close": "Stäng"},
    })
    site.save()

    dutch = config(client, site, "nl").json
    swedish = config(client, site, "sv-FI").json

    assert dutch["touchpoints"]["kb-article"]["question"] == "Did this article help?"
    assert dutch["text"]["thanks"] == "Dank je wel!"
    assert swedish["lang"] == "sv"
    assert swedish["text"]["close"] == "Stäng"
    assert swedish["text"]["send"] == "Send"


@pytest.mark.parametrize(("lang", "texts", "direction"), [
    ("ar", {}, "rtl"),
    ("en", {}, "ltr"),
    ("he-IL,en", {"he": {"close": "סגור"}}, "rtl"),  # a language a site added
    ("he,en", {}, "ltr"),  # not shipped: the English fallback reads left to right
])
def test_direction_follows_the_language_of_the_strings(client, site, lang, texts, direction):
    site.change(texts=texts)
    site.save()

    assert config(client, site, lang).json["dir"] == direction


def test_custom_touchpoint_with_its_own_question_is_listed(client, site):
    site.change(texts={"*": {"question.checkout-help": "Was checkout easy?"}}, touchpoint_scales={"returns": "ease5"})
    site.save()

    body = config(client, site).json

    assert body["touchpoints"]["checkout-help"]["question"] == "Was checkout easy?"
    assert body["touchpoints"]["returns"]["scale"] == "ease5"


def test_config_is_refused_to_pages_of_other_origins(client, site):
    response = config(client, site, origin="https://evil.example")

    assert response.status_code == 403
    assert response.json["field"] == "Origin"


def test_config_without_origin_is_served(client, site):
    assert config(client, site, origin=None).status_code == 200


def test_unknown_site_config_is_404_with_advice(client):
    response = client.get("/api/v1/sites/nope/config", headers={"Origin": ORIGIN})

    assert response.status_code == 404
    assert "widget-server site add" in response.json["error"]


@pytest.mark.parametrize("language", sorted(set(locales.STRINGS) - {locales.DEFAULT_LANGUAGE}))
def test_every_built_in_language_has_every_string(language):
    strings = locales.STRINGS[language]

    assert set(strings) == set(locales.STRINGS[locales.DEFAULT_LANGUAGE])
    assert all(text.strip() for text in strings.values())
    # The company's name goes where English has it, and nowhere else.
    for key, english in locales.STRINGS[locales.DEFAULT_LANGUAGE].items():
        assert ("{company}" in strings[key]) == ("{company}" in english), key


def test_ten_languages_ship_with_arabic_among_them():
    assert len(locales.STRINGS) >= 10
    assert {"ar", "pt", "it", "pl", "ja"} <= set(locales.STRINGS)
    assert [language for language in locales.STRINGS if locales.direction(language) == "rtl"] == ["ar"]


def test_config_varies_by_origin_for_shared_caches(client, site):
    """A cache must not hand a copy made for one page (or for none) to another origin."""
    for origin in (ORIGIN, None):
        assert "Origin" in config(client, site, origin=origin).headers["Vary"]
