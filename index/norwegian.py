"""Word lists for the keyword tokenizer: stop words and Nynorsk/Bokmål folding.

Stop words are function words only (pronouns, prepositions, conjunctions,
auxiliaries, determiners) in both written standards. Domain words such as
"kroner", "andel", "prosent", "innen" stay searchable.

FOLD maps a lower-cased surface form to the form it is indexed as, before
stemming: Nynorsk spellings to Bokmål, spelling variants to one lemma
(bosatt/bosette/busette -> bosette), and unit abbreviations to words
(pst -> prosent). Only pairs the stemmer cannot join on its own are listed.
"""

from __future__ import annotations

_BOKMAL_STOP = """
alle aldri allerede altså andre annen annet at av bare begge ble bli blir blitt både da dag de dem den denne
der deres derfor dersom det dette di din disse dit ditt du eller en enn er et ett etter for fordi fra før
gjennom ha hadde han hans har hele her hennes henne hva hvem hver hvert hvilke hvilken hvilket hvis hvor
hvordan hvorfor i ikke inn ingen inni jeg kan kanskje kun kunne man med meg men mens mer mest min mine mitt
mot mye må måtte ned noe noen nå når og også om opp oss over på samme seg selv sin sine sitt skal skulle slik
som så sånn til uten ut var vi vil ville være vært våre vår vårt å under ved via mellom hos blant
s the of and
"""

_NYNORSK_STOP = """
dei deim deira dykk dykkar ein eit eitt eg ho honom henne hennar hjå ikkje inga ingen ingi kva kvar kvart
kven korleis kor kvifor me meg mi mitt mine noko nokon nokre og òg også sidan sin si sitt sine som så til
um var vart blei vere vore vera berre medan mot frå heile slik slike deira dette desse der då
"""

STOPWORDS: frozenset[str] = frozenset((_BOKMAL_STOP + _NYNORSK_STOP).split())

# surface form -> indexed form (applied before stemming and stop-word removal)
FOLD: dict[str, str] = {
    # function words: Nynorsk -> Bokmål, so a mixed query still drops them
    "ikkje": "ikke", "frå": "fra", "kor": "hvor", "kva": "hva", "vart": "ble", "blei": "ble",
    "innan": "innen", "utan": "uten", "utanfor": "utenfor", "mykje": "mye", "meir": "mer", "berre": "bare",
    "heile": "hele", "kvar": "hver", "fleire": "flere", "saman": "sammen", "òg": "også",
    # settlement: one lemma for the verb, participle and Nynorsk spellings
    "bosatt": "bosette", "bosatte": "bosette", "bosettes": "bosette",
    "busett": "bosette", "busette": "bosette", "busatt": "bosette",
    "busetjast": "bosette",
    "busetting": "bosetting", "busettinga": "bosettingen", "busetjing": "bosetting",
    "busettingsarbeidet": "bosettingsarbeidet", "busettingskommunar": "bosettingskommuner",
    "busettingskommunane": "bosettingskommunene", "busettingstal": "bosettingstall",
    # people and groups
    "flyktningar": "flyktninger", "flyktningane": "flyktningene", "overføringsflyktningar": "overføringsflyktninger",
    "deltakar": "deltaker", "deltakarar": "deltakere", "deltakarane": "deltakerne", "deltakaren": "deltakeren",
    "innvandrar": "innvandrer", "innvandrarar": "innvandrere", "innvandrarane": "innvandrerne",
    "innbyggjar": "innbygger", "innbyggjarar": "innbyggere", "arbeidsgivar": "arbeidsgiver",
    "arbeidsgivarar": "arbeidsgivere", "einsleg": "enslig", "einslege": "enslige",
    "barnefamiliar": "barnefamilier", "mottaksbebuarar": "mottaksbeboere", "tilsette": "ansatte",
    "tolkar": "tolker", "personar": "personer", "kommunar": "kommuner", "kommunane": "kommunene",
    "fylkeskommunane": "fylkeskommunene",
    # time and numbers ("seks månader" must meet "6 måneder")
    "to": "2", "tre": "3", "fire": "4", "fem": "5", "seks": "6", "sju": "7", "syv": "7", "åtte": "8",
    "ni": "9", "ti": "10", "elleve": "11", "tolv": "12",
    "månad": "måned", "månader": "måneder", "månadene": "månedene", "mnd": "måneder",
    "tal": "tall", "talet": "tallet", "tala": "tallene", "hovudtal": "hovedtall", "nøkkeltal": "nøkkeltall",
    "pst": "prosent", "prosenteiningar": "prosentpoeng", "prosenteiningsar": "prosentpoeng",
    "kr": "kroner", "kronar": "kroner", "mill": "millioner", "mrd": "milliarder",
    # administration
    "verksemd": "virksomhet", "verksemda": "virksomheten", "tilskot": "tilskudd", "tilskota": "tilskuddene",
    "tilskotet": "tilskuddet", "tilbod": "tilbud", "tilboda": "tilbudene", "teneste": "tjeneste",
    "tenester": "tjenester", "tenestene": "tjenestene", "oppgåve": "oppgave", "oppgåver": "oppgaver",
    "kjelde": "kilde", "løysing": "løsning", "løysingar": "løsninger", "undersøking": "undersøkelse",
    "undersøkingar": "undersøkelser", "rettleiing": "veiledning", "rettleiar": "veileder",
    "deltaking": "deltakelse", "utdanninga": "utdanningen", "opplæringa": "opplæringen",
    "kvalifiseringa": "kvalifiseringen", "integreringa": "integreringen", "moglegheit": "mulighet",
    "moglegheiter": "muligheter", "fråsegn": "beretning", "leiarens": "leders", "leiar": "leder",
    "aktivitetar": "aktiviteter", "resultata": "resultatene",
    # verbs and adjectives
    "auke": "økning", "auka": "økte", "aukar": "øker", "auken": "økningen", "høg": "høy", "høgare": "høyere",
    "høgaste": "høyeste", "låg": "lav", "lågare": "lavere", "fekk": "fikk", "gjekk": "gikk",
    "gjennomsnittleg": "gjennomsnittlig", "særleg": "særlig", "vanleg": "vanlig", "mogleg": "mulig",
    "venta": "ventet", "starta": "startet",
    "målretta": "målrettet", "inkluderande": "inkluderende",
}
