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

from text.units import ABBREVIATIONS

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

# Counts written as words, in both written forms: the one list behind the folding below, the time grammar
# (text/dates) and the durations the NER reads (ingest/enrich/ner)
NUMBER_WORDS: dict[str, int] = {
    "en": 1, "én": 1, "ein": 1, "ei": 1, "eitt": 1, "ett": 1, "et": 1, "eit": 1, "to": 2, "tre": 3, "fire": 4,
    "fem": 5, "seks": 6, "sju": 7, "syv": 7, "åtte": 8, "ni": 9, "ti": 10, "elleve": 11, "tolv": 12, "femten": 15,
    "tjue": 20, "tretti": 30, "førti": 40, "hundre": 100,
}

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
    # (2 to 12; not `en`, `ei`, `et`: they are articles far more often than counts)
    **{w: str(n) for w, n in NUMBER_WORDS.items() if 2 <= n <= 12},
    "månad": "måned", "månader": "måneder", "månadene": "månedene", "mnd": "måneder",
    "tal": "tall", "talet": "tallet", "tala": "tallene", "hovudtal": "hovedtall", "nøkkeltal": "nøkkeltall",
    "prosenteiningar": "prosentpoeng", "prosenteiningsar": "prosentpoeng", "kronar": "kroner", **ABBREVIATIONS,
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

# English query words -> the Norwegian word the reports use. Analysts ask in English; without this a keyword
# search for "refugees settled within six months" matches nothing. Only words that are not also Norwegian
# words are listed ("by", "for", "under" stay Norwegian).
_ENGLISH_STOP = """
the of and is was were how many much what which why did does do are an with from that this there their who
when where been has have had it its on in into about than as be being were would should could
"""
EN_FOLD: dict[str, str] = {
    "refugee": "flyktning", "refugees": "flyktninger", "settled": "bosette", "settle": "bosette",
    "settlement": "bosetting", "resettlement": "bosetting", "resettled": "bosette",
    "quota": "overføringsflyktninger", "municipality": "kommune", "municipalities": "kommuner",
    "county": "fylke", "counties": "fylker", "share": "andel", "proportion": "andel", "percentage": "andel",
    "percent": "prosent", "rate": "andel", "month": "måned", "months": "måneder", "year": "år", "years": "år",
    "week": "uke", "weeks": "uker", "days": "dager", "interpreter": "tolk", "interpreters": "tolker",
    "interpreting": "tolking", "interpretation": "tolking", "participants": "deltakere",
    "participant": "deltaker", "participated": "deltok", "employees": "ansatte", "employee": "ansatt",
    "staff": "ansatte", "employment": "arbeid", "work": "arbeid", "job": "jobb", "jobs": "jobber",
    "education": "utdanning", "norwegian": "norsk", "language": "språk", "languages": "språk",
    "training": "opplæring", "tuition": "opplæring", "grant": "tilskudd", "grants": "tilskudd",
    "subsidy": "tilskudd", "subsidies": "tilskudd", "funding": "tilskudd", "budget": "budsjett",
    "allocation": "tildeling", "allocated": "tildelt", "unaccompanied": "enslige", "minors": "mindreårige",
    "minor": "mindreårig", "children": "barn", "child": "barn", "families": "familier", "family": "familie",
    "women": "kvinner", "men": "menn", "reception": "mottak", "centres": "mottak", "centers": "mottak",
    "waiting": "ventetid", "wait": "ventetid", "average": "gjennomsnittlig", "integration": "integrering",
    "introduction": "introduksjonsprogram", "programme": "program", "ukrainian": "ukrainsk",
    "ukrainians": "ukrainere", "ukraine": "ukraina", "voluntary": "frivillig", "volunteer": "frivillig",
    "organisations": "organisasjoner", "organizations": "organisasjoner", "costs": "kostnader",
    "cost": "kostnad", "expenses": "utgifter", "salary": "lønn", "salaries": "lønn", "target": "krav",
    "requirement": "krav", "goal": "mål", "goals": "mål", "result": "resultat", "results": "resultat",
    "qualification": "kvalifisering", "adults": "voksne", "adult": "voksen", "persons": "personer",
    "people": "personer", "number": "antall", "total": "totalt", "asylum": "asyl", "seekers": "søkere",
    "guardian": "verge", "register": "register", "registry": "register", "authorised": "autorisert",
    "authorized": "autorisert", "research": "forskning", "report": "rapport", "reports": "rapporter",
    "survey": "undersøkelse", "immigrants": "innvandrere", "immigrant": "innvandrer",
    "discrimination": "diskriminering", "racism": "rasisme", "act": "lov", "law": "lov",
    "ministry": "departement", "directorate": "direktorat", "annual": "årlig", "fulltime": "årsverk",
    "completed": "fullført", "passed": "bestått", "test": "prøve", "tests": "prøver", "citizenship": "statsborgerskap",
    "within": "innen", "after": "etter", "before": "før", "one": "1", "two": "2", "three": "3", "four": "4",
    "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9", "ten": "10", "twelve": "12",
    "housing": "bolig", "schools": "skoler", "school": "skole", "kindergarten": "barnehage",
}
STOPWORDS = STOPWORDS | frozenset(_ENGLISH_STOP.split())
NORWEGIAN_FOLD = dict(FOLD)  # Bokmål/Nynorsk folding alone, for measuring what the English glossary adds
FOLD = {**EN_FOLD, **FOLD}
