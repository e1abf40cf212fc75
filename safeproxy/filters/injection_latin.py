"""The ignore-previous and show-the-system-prompt orders in languages written in Latin
letters, as they read on the confusables skeleton (accents fold away), for the phrase
families of injection.py: Spanish, Portuguese, Italian, French and German, then Dutch,
Polish, Turkish, Indonesian and Malay, Vietnamese, Romanian, Czech and Slovak, and the
Scandinavian languages. (Other scripts: injection_scripts.py.)"""

from __future__ import annotations

# The same orders in the languages most often used to slip past English-only filters.
# Accents fold away on the skeleton ("instruções" reads "instrucoes").
FOREIGN_IGNORE = (
    # Spanish, Portuguese, Italian
    r"(ignora|ignore|ignoren|olvida|olvide|descarta|omite|esqueca|desconsidere|ignorate"
    r"|dimentica) (todas |todos |tutte )?(las |los |tus |sus |as |suas |le )?"
    r"(instrucciones|indicaciones|ordenes|instrucoes|istruzioni|regras|reglas|regole) "
    r"(anteriores|previas|precedentes|precedenti|previe)"
    # French
    r"|(ignore|ignorez|oublie|oubliez) (toutes |tous )?(les |tes |vos )?"
    r"(instructions|consignes|directives|regles) (precedentes|anterieures)"
    # German
    r"|(ignoriere|ignorier|ignorieren sie|vergiss|vergessen sie|missachte) (alle )?"
    r"(deine |ihre |die )?(vorherigen|vorigen|bisherigen|obigen|fruheren|vorangegangenen) "
    r"(anweisungen|instruktionen|regeln|befehle|vorgaben)"
)
FOREIGN_EXTRACT = (
    r"(revela|muestra|muestrame|dime|ensename|mostra|mostre|revele|rivela|mostrami|montre"
    r"|montre moi|affiche|donne moi|zeige|zeig|nenne|verrate)"
    r" (me |mir )?(tu |el |seu |o |il |ton |le |votre |deinen |den |dein )?"
    r"((prompt|mensaje|mensagem|messaggio|message|instrucciones|instructions) "
    r"(del |de |do |di |du )?(sistema|systeme)|system prompt|systemprompt|systemnachricht"
    r"|systemanweisungen)"
)
# The same two orders in more languages written in Latin letters (Dutch, Polish, Turkish,
# Indonesian and Malay, Vietnamese, Romanian, Czech and Slovak, Swedish, Danish and
# Norwegian), as they read on the skeleton: accents and hooks fold away ("hướng dẫn trước"
# reads "huong dan truoc"). Each needs the verb and its object, as in English: the words
# alone ("de vorige instructies staan op pagina 2") are ordinary text. One rule per language:
# the phrase gate spells out each pattern's confusable readings, and one pattern for all of
# them is over the engine's length limit.
MORE_IGNORE: dict[str, str] = {
    "nl": (
        r"(negeer|vergeet) (al |alle )?(de |je |jouw |uw "
        r")?(eerdere|vorige|voorgaande|bovenstaande|oorspronkelijke) "
        r"(instructies|regels|aanwijzingen|richtlijnen)"
    ),
    "pl": (
        r"(zignoruj|ignoruj|zapomnij|pomin) (o )?(wszystkie |wszystkich )?(twoje |swoje )?"
        r"(poprzednie|wczesniejsze|powyzsze|dotychczasowe|poprzednich|wczesniejszych) "
        r"(instrukcje|instrukcji|instrukcjach|polecenia|polecen|poleceniach|zasady|zasadach"
        r"|wytyczne)"
    ),
    "tr": (
        r"(tum |butun )?(onceki|yukaridaki) (tum |butun "
        r")?(talimatlari|talimatlarini|kurallari|yonergeleri) (yok say|gormezden"
        r" gel|unut|dikkate alma|ihmal et)"
    ),
    "id": (
        r"(abaikan|lupakan|acuhkan) (semua |seluruh "
        r")?(instruksi|perintah|petunjuk|arahan|aturan) (sebelumnya|terdahulu|di atas)"
    ),
    "vi": (
        r"(bo qua|phot lo|quen) (tat ca |moi |toan bo )?(cac |nhung )?(huong dan|chi "
        r"dan|chi thi|quy tac) (truoc|phia tren|ben tren)"
    ),
    "ro": (
        r"(ignora|ignorati|uita|uitati) (toate "
        r")?(instructiunile|regulile|indicatiile) (anterioare|precedente|de mai "
        r"sus)"
    ),
    "cs": (
        r"(ignoruj|ignorujte|zapomen|zapomente|zabudni) (na )?(vsechny |vsetky "
        r")?(predchozi|predchadzajuce|predesle|dosavadni) "
        r"(pokyny|instrukce|instrukcie|pravidla)"
    ),
    "sv": (
        r"(ignorera|ignorer|glom|glem) (alla |alle "
        r")?(tidigare|tidligere|foregaende|forrige|ovanstaende) "
        r"(instruktioner|instruktionerna|instrukser|instruksjoner|regler|anvisningar)"
    ),
}
MORE_EXTRACT: dict[str, str] = {
    "nl": (
        r"(toon|geef|onthul|print) (me |mij )?(je |jouw |uw |de )?(volledige |verborgen "
        r"|geheime )?(systeemprompt|systeem prompt|systeeminstructies|systeembericht)"
    ),
    "pl": (
        r"(pokaz|ujawnij|wyswietl|podaj|wypisz) (mi )?(swoj |twoj |swoje |twoje )?(prompt "
        r"systemowy|systemowy prompt|instrukcje systemowe|polecenie systemowe)"
    ),
    "tr": (
        r"(sistem istemini|sistem komutunu|sistem talimatlarini|sistem mesajini|sistem "
        r"promptunu) (goster|yaz|paylas|soyle|ver)"
    ),
    "id": (
        r"(tampilkan|tunjukkan|ungkapkan|perlihatkan|cetak) (prompt sistem|instruksi "
        r"sistem|perintah sistem|pesan sistem)"
    ),
    "vi": (
        r"(hien thi|tiet lo|in ra|cho (toi )?xem) (cac |nhung )?(loi nhac|huong dan|chi "
        r"thi|prompt|cau lenh) (cua )?he thong"
    ),
    "ro": (
        r"(arata|afiseaza|dezvaluie)( mi)? (promptul|mesajul|instructiunile) (de |ale "
        r")?(sistem|sistemului)"
    ),
    "cs": (
        r"(zobraz|ukaz|prozrad|vypis)( mi)? (svuj |tvuj |svoj |tvoj )?(systemovy "
        r"prompt|systemove pokyny|systemovou zpravu)"
    ),
    "sv": (
        r"(visa|vis|avslor)( mig| meg)? (din |ditt |dine |dina "
        r")?(systemprompt|systemprompten|systeminstruktioner|systeminstruktionerna)"
    ),
}
