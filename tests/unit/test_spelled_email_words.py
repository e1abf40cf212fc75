"""Addresses spelt out with other languages' words for the at-sign and the dot
(spelled_email_words.py), and the sentences that only talk about those signs."""

from __future__ import annotations

import pytest

from safeproxy.filters.detect import Detector
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.pii import PII_COMPANIONS

SPELLED = Detector("pii", list(PII_COMPANIONS["email"]), Normalizer())


def cut(text: str) -> set[str]:
    return {text[f.start : f.end] for f in SPELLED.find(text)}


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("mi correo es laura.gomez arroba gmail punto com", "laura.gomez arroba gmail punto com"),
        (
            "meu email: joao_silva arroba uol ponto com ponto br",
            "joao_silva arroba uol ponto com ponto br",
        ),
        (
            "écrivez à pierre.martin arobase orange point fr",
            "pierre.martin arobase orange point fr",
        ),
        ("Adresse: k.schmidt (at) web (punkt) de", "k.schmidt (at) web (punkt) de"),
        ("scrivi a mario (chiocciola) libero (punto) it", "mario (chiocciola) libero (punto) it"),
        ("jan.nowak malpa wp kropka pl", "jan.nowak malpa wp kropka pl"),
        ("ana@correo punto es", "ana@correo punto es"),
        ("Ihre Adresse: info [at] firma-xy [punkt] de", "info [at] firma-xy [punkt] de"),
        # The local part's own dots in the same words, and "at" read aloud in German.
        (
            "escríbeme a pablo punto ruiz arroba gmail punto com",
            "pablo punto ruiz arroba gmail punto com",
        ),
        (
            "écris à marie point curie arobase orange point fr",
            "marie point curie arobase orange point fr",
        ),
        ("schreib an t punkt weber at gmx punkt net", "t punkt weber at gmx punkt net"),
        ("napisz: jan kropka nowak malpa wp kropka pl", "jan kropka nowak malpa wp kropka pl"),
    ],
)
def test_an_address_in_other_languages_words_is_cut(text: str, address: str) -> None:
    assert address in cut(text)


@pytest.mark.parametrize(
    "text",
    [
        "usa arroba y punto com en el formulario",
        "tapez le symbole arobase puis point fr",
        "la arroba es un símbolo punto com",
        "El punto de la reunión es claro",
        "Punkt 3 der Tagesordnung, siehe Punkt de Gaulle",
        "jane@acme point of view",
        "the arroba key on a Spanish keyboard",
        "ver el punto 4.2 del anexo",
        "Wir treffen uns at home um 8 punkt 30",
        "meet me at cafe punkt de",
        "look at the punto de vista",
        # A reserved documentation domain, as for the English words.
        "escriba a usuario arroba example punto com",
    ],
)
def test_talk_about_the_signs_stays_text(text: str) -> None:
    assert cut(text) == set()
