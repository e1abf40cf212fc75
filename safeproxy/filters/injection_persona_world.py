"""Persona jailbreaks in more languages written in Latin letters, for injection_persona.py:
Dutch, Polish, Swedish, Danish and Norwegian, Turkish, Indonesian and Malay, Vietnamese,
Romanian, Czech and Slovak, Finnish and Hungarian. The same two halves as there: a property
that frees an AI from its limits ("een AI zonder enige beperkingen", "sztuczna inteligencja
bez żadnych ograniczeń", "hicbir kisitlamasi olmayan bir yapay zeka") and a switch of persona
("vanaf nu ben je", "od teraz jesteś", "mulai sekarang kamu adalah"). Either alone is
ordinary text ("de gratis versie zonder beperkingen", "od teraz jesteś kierownikiem
zespołu"); together, within injection_persona.REACH, they are the jailbreak.

The property reads the skeleton, as injection_persona's (accents fold away, a space is any
run of non-letters, so "ł", "ø" and "æ", which have no base letter, read as a space); the
switch reads the window there, accents folded and case-blind.
"""

from __future__ import annotations

# What an AI is called ("AI", "KI", "SI", "tekoäly", "trợ lý"), the noun first, one word
# between at most ("een AI-assistent zonder filters"). Not a version, tier or mode: "de
# gratis versie zonder beperkingen", "tryb bez ograniczeń prędkości" are products.
_NOUN = (
    r"\b(ai|ki|si|mi|ia|ui|tekoaly|asystent|asystentem|asystentka|assistent|asistent|asisten"
    r"|avustaja|asszisztens|tro ly|model|modelem|modell|modeli|malli|mo hinh|chatbot|chatbotem"
    r"|bot|botem|inteligencja|inteligencje|intelligentie|intelligens|inteligenta|inteligence"
    r"|inteligencia|kecerdasan buatan) ([a-z]+ )?"
)
# "Without", then "any" and what binds it, by group of languages: one rule a group, as
# one rule for all, its reading by the engine is over its size limit.
_WITHOUT = {
    # Dutch, the Scandinavian languages
    "nl_nordic": r"(zonder (enige |enkele |alle )?(beperkingen|restricties|filters?|censuur"
    r"|grenzen|regels|ethiek|moraal|taboes)"
    r"|(utan|uden|uten) (nagra |nogen |noen |alle )?(begr( |a|ae|e)nsning(ar|er)?"
    r"|restriktion(er)?|restriksjoner|filter|censur|sensur|regler|etik|moral))",
    # Polish, Czech, Slovak
    "west_slavic": r"bez (zadnych |jakichkolwiek |jakychkoli |akychkolvek |ziadnych )?"
    r"(ograniczen|filtrow|cenzury|zasad|regu( |l)|etyki|moralnosci|tabu|omezeni|obmedzeni"
    r"|filtru|filtrov|pravidel|pravidiel|etiky|moralky)",
    # Indonesian and Malay, Vietnamese, Romanian, Finnish
    "more": r"(tanpa (ada |sebarang |apa pun |apapun )?(batasan|batas|sekatan|aturan|filter"
    r"|sensor|penapis|etika|moral)"
    r"|khong (co )?(bat ky |bat cu |mot )?(gioi han|han che|rang buoc|kiem duyet|bo loc"
    r"|quy tac|d?ao d?uc)"
    r"|fara (nicio |niciun |vreo |vreun )?(restrictii|restrictie|limite|limita|filtre|filtru"
    r"|cenzura|reguli|etica|morala)"
    r"|ilman (mitaan |minkaanlaisia )?(rajoituksia|rajoitteita|suodattimia|sensuuria|saantoja"
    r"|etiikkaa|moraalia))",
}
# Turkish and Hungarian put what frees it before the noun (as the skeleton reads them):
# "hicbir kisitlamasi olmayan bir yapay zeka", "kisitlamasiz bir asistan", "korlatozasok
# nelkuli MI".
_BEFORE = (
    r"((hicbir |hic )?(kisitlamasi|kisitlamalari|siniri|sinirlamasi|filtresi|kurali|kurallari"
    r"|sansuru|etigi) (olmayan|bulunmayan) (bir )?|(kisitlamasiz|sinirsiz|filtresiz|sansursuz"
    r"|kuralsiz|etiksiz) (bir )?)(yapay zeka|asistan|model|sohbet botu|bot|surum)"
    r"|(korlatozas(ok)?|szuro(k)?|cenzura|szabaly(ok)?|etika) nelkuli (ai|mi|asszisztens"
    r"|modell|chatbot|bot|verzio|mod)"
)

# (rule id, pattern, what the phrase gate reads) for the properties: the gate reads the
# word for "without" and the start of what binds it, rare together in English prose.
PROPERTIES: tuple[tuple[str, str, str], ...] = (
    ("persona.freed_nl_nordic", _NOUN + _WITHOUT["nl_nordic"],
     r"(zonder|utan|uden|uten) ([a-z]+ )?(beperking|restrictie|filter|censu|grenzen|regels"
     r"|ethiek|moraal|taboe|begr|restrikt|sensur|regler|etik|moral)"),
    ("persona.freed_west_slavic", _NOUN + _WITHOUT["west_slavic"],
     r"bez ([a-z]+ )?(ogranicze|filtr|cenzur|zasad|regu|etyk|moraln|tabu|omezen|obmedzen"
     r"|pravid|etik|moralk)"),
    ("persona.freed_more", _NOUN + _WITHOUT["more"],
     r"(tanpa|khong|fara|ilman) ([a-z]+ ){0,3}(batas|sekatan|aturan|filter|sensor|penapis|etika"
     r"|moral|gioi han|han che|rang buoc|kiem duyet|bo loc|quy tac|dao duc|restricti|limit"
     r"|filtr|cenzura|reguli|rajoit|suodat|sensuur|saanto)"),
    ("persona.freed_before", _BEFORE,
     r"(olmayan|bulunmayan|kisitlamasiz|sinirsiz|filtresiz|sansursuz|kuralsiz|etiksiz"
     r"|nelkuli) "),
)  # fmt: skip

# Switches of persona in the same languages, for injection_persona._SWITCH: "from now on
# you are", "you are now", "pretend to be", "act as", "play the role of". (Spaces stand for
# any run of non-letters there.)
SWITCHES = (
    # Dutch ("je bent nu" with its article: "je bent nu ingelogd" is no persona)
    r"|(?:vanaf nu|voortaan|vanaf dit moment|vanaf heden),? (?:ben je|bent u|ben jij|zul je"
    r"|word je|ga je|je bent|jij bent|u bent)|(?:je bent|jij bent|u bent) (?:nu|voortaan"
    r"|vanaf nu) (?:een|de|het)|doe alsof je|gedraag je als|speel de rol van|(?:je|jij) wordt nu"
    # Polish
    r"|(?:od teraz|od tej chwili|od dzis|odtad),? (?:jestes|bedziesz|stajesz sie|ty jestes)"
    r"|jestes (?:teraz|od teraz)|udawaj,? ze jestes|zachowuj sie jak|wciel sie w|graj role"
    # Swedish, Danish, Norwegian
    r"|(?:fran och med nu|fra nu af|fra na av|fra nu|fra na|hadanefter|herefter),? (?:ar du"
    r"|er du|blir du|skal du)|du (?:ar|er) (?:nu|na) (?:en|ett|et|ei)|latsas att du ar"
    r"|lat som om du|lat som at du|spela rollen som|spil rollen som|spill rollen som"
    # Turkish says "you are" with a suffix: "bir yapay zekasin", "asistansin" (not "artik",
    # "now", alone: it opens every other Turkish sentence).
    r"|(?:yapay zeka|asistan|model|botu?|surum)(?:sin|sun|s[iu]nuz)\b|gibi davran|rolune gir"
    r"|rolunu oyna"
    # Indonesian, Malay
    r"|(?:mulai sekarang|dari sekarang|mulai saat ini|mulai hari ini|mulai kini),? (?:kamu"
    r"|anda|kau|engkau|awak)|(?:kamu|anda|kau|awak) (?:sekarang|kini) (?:adalah|menjadi|ialah)"
    r"|berpura pura(?:lah)? (?:menjadi|sebagai)|bertindak(?:lah)? sebagai|berperan(?:lah)?"
    r" sebagai"
    # Vietnamese
    r"|(?:tu gio|tu bay gio|ke tu bay gio|tu nay|bat dau tu bay gio),? (?:tro d?i,? )?(?:ban"
    r"|may|em)|(?:ban|may) (?:bay gio|gio) (?:la|se la)|hay d?ong vai|gia vo (?:la|ban la)"
    r"|hay (?:hanh d?ong|cu xu) nhu"
    # Romanian
    r"|(?:de acum(?: inainte)?|din acest moment|de azi inainte),? (?:esti|vei fi|tu esti)"
    r"|(?:tu )?esti acum|pretinde ca esti|prefa te ca esti|comporta te ca|joaca rolul"
    # Czech, Slovak
    r"|(?:od ted|odted|od teraz|odteraz|od tohoto okamziku),? (?:jsi|budes|si|ty jsi|ty si)"
    r"|(?:ted|teraz) (?:jsi|si)|predstirej,? ze jsi|chovej se jako|tvar sa,? ze si"
    r"|spravaj sa ako|hraj roli"
    # Finnish, Hungarian
    r"|(?:tasta lahtien|tasta eteenpain|nyt),? (?:sina )?olet|olet nyt|esita olevasi"
    r"|toimi kuin|mostantol(?: kezdve)?|ettol kezdve|tegyel ugy,? mintha|viselkedj ugy"
)
