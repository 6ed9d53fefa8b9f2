"""A Spanish, French, German or Portuguese message read in the English words the assistant's rules know.

The intent rules (intents.py), the date reader (when.py), the service matcher and the knowledge search
all read English. Rather than five copies of each, a message in another language is first rewritten
phrase by phrase into the English a front desk would hear: "¿A qué hora abren el sábado?" becomes
"what time do you open the saturday", "Quiero reservar un corte de pelo mañana a las 10" becomes
"i want to book a haircut tomorrow at 10". Words with no entry stay as they are (names, numbers, codes).

Deliberately a keyword table, not a translator: it covers what a salon, clinic or shop is asked (hours,
prices, booking, cancelling, moving, yes/no, greetings, thanks, a person please, and the common FAQ
topics), it is deterministic and testable, and it never invents meaning. The same rewritten text is
what the knowledge search looks up, so a Spanish question meets an English knowledge base on its
keywords (the bundled embedding model is English-only: ADR 0038 has the measurements).
"""

from __future__ import annotations

import re
import unicodedata

_Table = tuple[re.Pattern[str], tuple[str, ...]]


def _table(*pairs: tuple[str, str]) -> _Table:
    """One pattern for a language's phrases, matched in a single pass so that English put in is never
    rewritten again (French "a" -> "at" must not touch "talk to a person"). At one position the phrase
    listed first wins, so longer phrases come before the words inside them."""
    alternatives = "|".join(f"(?P<p{n}>{phrase})" for n, (phrase, _) in enumerate(pairs))
    # An apostrophe may come before a phrase ("l'adresse"), not a letter, digit or hyphen.
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])"), tuple(english for _, english in pairs)


_MONTHS_ES_PT = (
    ("enero|janeiro", "january"), ("febrero|fevereiro", "february"), ("marzo|marco", "march"),
    ("abril", "april"), ("mayo|maio", "may"), ("junio|junho", "june"), ("julio|julho", "july"),
    ("agosto", "august"), ("septiembre|setiembre|setembro", "september"), ("octubre|outubro", "october"),
    ("noviembre|novembro", "november"), ("diciembre|dezembro", "december"),
)

_SPANISH = _table(
    (r"hablar con (?:una persona|alguien|un humano|una humana|el encargado|la encargada|un agente|"
     r"una persona real|el personal|un empleado|recepcion)", "talk to a person"),
    (r"persona real|un humano|un agente", "a human"), (r"llamame|llamenme", "call me back"),
    (r"cuando es mi cita|cual es mi cita|tengo (?:una |alguna )?cita", "what is my appointment"),
    (r"que datos tienen de mi|que datos tienen", "what details do you have for me"),
    (r"cancelar|anular", "cancel"), (r"reprogramar|cambiar de hora|cambiar la hora|cambiar mi cita|cambiar la cita|"
                                     r"mover mi cita|mover la cita|cambiar mi reserva", "reschedule"),
    (r"mi cita|mi reserva", "my appointment"), (r"la cita|la reserva", "the appointment"),
    (r"una cita|una reserva|un turno|una hora", "an appointment"), (r"cita|reserva|turno", "appointment"),
    (r"pedir|hacer|reservar|agendar|apartar", "to book"),
    (r"quisiera|me gustaria", "i would like"), (r"quiero", "i want"), (r"necesito", "i need"),
    (r"puedo", "can i"), (r"por favor", "please"), (r"de acuerdo|vale", "ok"), (r"claro", "sure"),
    (r"perfecto", "perfect"), (r"si|sip|confirmo|confirmado", "yes"), (r"nop|para nada", "no"),
    (r"muchas gracias|mil gracias", "thank you so much"), (r"gracias", "thanks"),
    (r"adios|hasta luego|chao", "bye"), (r"buenos dias", "good morning"), (r"buenas tardes", "good afternoon"),
    (r"buenas noches", "good evening"), (r"hola|buenas", "hello"),
    (r"cuando puedo", "when can i come"), (r"horarios?|horas de apertura", "opening hours"),
    (r"a que hora|a que horas|cuando", "what time do you"),
    (r"abren|abris|abre|abierto|abiertos|abierta", "open"), (r"cierran|cierra|cerrado|cerrados", "closed"),
    (r"cuanto tiempo dura|cuanto tiempo tarda|cuanto dura|cuanto tarda", "how long does"),
    (r"cuanto tiempo", "how long"),
    (r"cuanto cuesta|cuanto cuestan|cuanto vale|cuanto valen|cuanto sale|cuanto es|cuanto", "how much"),
    (r"precios?|tarifas?", "price"), (r"servicios", "services"), (r"que ofrecen", "what do you offer"),
    (r"cortes? de pelo|cortes? de cabello|cortes?", "haircut"), (r"hombres?|caballeros?", "men"),
    (r"mujer|mujeres|damas?|senora", "women"), (r"color|coloracion|tinte", "colour"),
    (r"peinado|secado|brushing", "blow-dry"),
    (r"direccion|donde estan|donde esta|donde se encuentran", "address where are you"),
    (r"telefono", "phone"), (r"correo(?: electronico)?", "email"), (r"pagina web|web", "website"),
    (r"estacionamiento|aparcamiento|aparcar|parking", "parking"), (r"ninos|ninas|infantil", "children"),
    (r"descuento", "discount off"), (r"mas barat[oa]s?", "cheaper"), (r"pagar|pago", "pay"),
    (r"tarjeta regalo|vale regalo|bono regalo|tarjetas regalo", "gift vouchers"), (r"tarjeta", "card"),
    (r"efectivo", "cash"), (r"sin cita", "walk-ins"), (r"llego tarde|llegar tarde|retraso", "late"),
    (r"que pasa si", "what if"), (r"antes de", "before"), (r"llevar|traer", "bring"),
    (r"atienden|aceptan", "do you take"), (r"mascotas?|perros?", "pets dogs"), (r"pelo|cabello", "hair"),
    (r"lavar|lavarlo|lavarme", "washing"),
    (r"esperar", "wait"), (r"tenido|tenidos|tenida", "coloured"), (r"politica de cancelacion", "cancellation policy"),
    (r"primero|primera", "first"), (r"ultimo|ultima", "last"),
    (r"(?:el )?dia de navidad", "christmas day"), (r"navidades|navidad", "christmas"),
    (r"nochebuena", "christmas eve"), (r"nochevieja", "new year's eve"),
    (r"(?:el )?dia de ano nuevo|ano nuevo", "new year's day"),
    (r"(?:el )?dia de san esteban|san esteban", "boxing day"),
    (r"pasado manana", "day after tomorrow"), (r"por la manana", "in the morning"),
    (r"manana", "tomorrow"), (r"hoy", "today"), (r"lunes", "monday"), (r"martes", "tuesday"),
    (r"miercoles", "wednesday"), (r"jueves", "thursday"), (r"viernes", "friday"), (r"sabado", "saturday"),
    (r"domingo", "sunday"), (r"proximo|proxima|que viene", "next"), (r"a las(?=\s+\d)|a la(?=\s+\d)", "at"),
    *_MONTHS_ES_PT,
)

_FRENCH = _table(
    (r"parler (?:a|avec) (?:quelqu'un|une personne|un humain|un conseiller|une conseillere|un agent|"
     r"le responsable|la responsable|une vraie personne)", "talk to a person"),
    (r"une vraie personne|un humain|un agent", "a human"), (r"rappelez-moi", "call me back"),
    (r"quand est mon rendez-vous|ai-je un rendez-vous|quel est mon rendez-vous", "what is my appointment"),
    (r"annuler", "cancel"), (r"deplacer|reporter|changer (?:mon|le) rendez-vous|modifier (?:mon|le) rendez-vous|"
                             r"changer l'heure", "reschedule"),
    (r"mon rendez-vous|ma reservation|mon rdv", "my appointment"),
    (r"prendre (?:un )?rendez-vous|prendre (?:un )?rdv", "book an appointment"),
    (r"un rendez-vous|une reservation|un rdv", "an appointment"), (r"rendez-vous|rdv|reservation", "appointment"),
    (r"reserver", "to book"), (r"je voudrais|j'aimerais|je souhaite|je souhaiterais", "i would like"),
    (r"je veux", "i want"), (r"j'ai besoin", "i need"),
    (r"est-ce que je peux|puis-je|je peux", "can i"), (r"s'il vous plait|s'il te plait|svp", "please"),
    (r"d'accord|ok d'accord|ca marche", "ok"), (r"volontiers|bien sur", "sure"), (r"parfait", "perfect"),
    (r"oui|ouais|je confirme|c'est bon", "yes"), (r"non merci", "no thanks"), (r"non", "no"),
    (r"merci beaucoup", "thanks a lot"), (r"merci", "thanks"), (r"au revoir|a bientot", "goodbye"),
    (r"bonjour|salut|coucou", "hello"), (r"bonsoir", "good evening"),
    (r"horaires|heures d'ouverture", "opening hours"), (r"a quelle heure|quand", "what time do you"),
    (r"ouvrez|ouvert|ouverts|ouverte|ouvre", "open"), (r"fermez|ferme|fermes|fermee|fermeture", "closed"),
    (r"combien de temps dure|combien de temps prend", "how long does"), (r"combien de temps", "how long"),
    (r"combien ca coute|combien coute|combien", "how much"),
    (r"prix|tarifs?", "price"), (r"coute|coutent", "cost"), (r"prestations|services", "services"),
    (r"coupes? de cheveux|coupes?", "haircut"), (r"hommes?", "men"), (r"femmes?", "women"),
    (r"couleur|coloration", "colour"), (r"brushing", "blow-dry"),
    (r"adresse|ou etes-vous|ou vous trouvez-vous|ou se trouve", "address where are you"),
    (r"telephone", "phone"), (r"e-mail|courriel", "email"), (r"site web|site internet", "website"),
    (r"parking|stationnement|se garer", "parking"), (r"enfants?", "children"),
    (r"remise|reduction", "discount off"), (r"moins chers?|moins chere", "cheaper"), (r"payer|paiement", "pay"),
    (r"bons? cadeaux?|cartes? cadeaux?", "gift vouchers"), (r"carte", "card"), (r"especes|liquide", "cash"),
    (r"sans rendez-vous", "walk-ins"), (r"en retard|retard", "late"), (r"que se passe-t-il si|et si", "what if"),
    (r"avant de", "before"),
    (r"venir avec|amener", "bring"), (r"acceptez-vous|prenez-vous", "do you take"), (r"animaux|chiens?", "pets dogs"),
    (r"cheveux", "hair"), (r"laver|lavage", "washing"),
    (r"attendre", "wait"), (r"colores|colore|coloree", "coloured"),
    (r"premier|premiere", "first"), (r"dernier|derniere", "last"),
    (r"(?:le )?jour de noel", "christmas day"), (r"veille de noel|reveillon de noel", "christmas eve"),
    (r"noel", "christmas"), (r"(?:la )?saint-etienne", "boxing day"),
    (r"reveillon du nouvel an|(?:la )?saint-sylvestre|(?:la )?saint sylvestre|reveillon", "new year's eve"),
    (r"(?:le )?jour de l'an|(?:le )?nouvel an", "new year's day"),
    (r"apres-demain", "day after tomorrow"), (r"aujourd'hui", "today"), (r"demain", "tomorrow"),
    (r"lundi", "monday"), (r"mardi", "tuesday"), (r"mercredi", "wednesday"), (r"jeudi", "thursday"),
    (r"vendredi", "friday"), (r"samedi", "saturday"), (r"dimanche", "sunday"), (r"prochain|prochaine", "next"),
    (r"janvier", "january"), (r"fevrier", "february"), (r"mars", "march"), (r"avril", "april"), (r"mai", "may"),
    (r"juin", "june"), (r"juillet", "july"), (r"aout", "august"), (r"septembre", "september"),
    (r"octobre", "october"), (r"novembre", "november"), (r"decembre", "december"), (r"a(?=\s+\d)", "at"),
)

_GERMAN = _table(
    (r"(?:mit|einen|einem) (?:echten )?(?:menschen|mitarbeiter|mitarbeiterin|person|berater|beraterin|"
     r"verantwortlichen|chef)(?: sprechen)?", "talk to a person"), (r"ruckruf|rufen sie mich an", "call me back"),
    (r"wann ist mein termin|habe ich einen termin|welchen termin habe ich", "what is my appointment"),
    (r"absagen|stornieren|abbestellen", "cancel it"),
    (r"verschieben|verlegen|umbuchen|termin andern|andern", "reschedule"),
    (r"meinen termin|meine buchung|mein termin|meine reservierung", "my appointment"),
    (r"einen termin|eine buchung|eine reservierung", "an appointment"),
    (r"termin|buchung|reservierung", "appointment"), (r"buchen|reservieren|vereinbaren|ausmachen", "to book"),
    (r"ich mochte|ich hatte gerne|ich wurde gerne|ich hatte gern|ich mocht", "i would like"),
    (r"ich will", "i want"), (r"ich brauche", "i need"), (r"kann ich|konnte ich|darf ich", "can i"),
    (r"ja bitte", "yes please"), (r"nein danke", "no thanks"), (r"bitte", "please"),
    (r"ja|jawohl|bestatigt|ich bestatige", "yes"), (r"nein|ne", "no"), (r"gerne|gern|klar|sicher", "sure"),
    (r"in ordnung|alles klar|passt", "ok"), (r"perfekt|super", "perfect"),
    (r"vielen dank|danke schon|dankeschon|herzlichen dank", "thanks a lot"), (r"danke", "thanks"),
    (r"tschuss|auf wiedersehen|ciao", "bye"), (r"guten morgen", "good morning"),
    (r"guten abend", "good evening"), (r"guten tag|hallo|servus|moin|gruss gott|hi", "hello"),
    (r"offnungszeiten|geschaftszeiten", "opening hours"),
    (r"um wie viel uhr|um wieviel uhr|wann", "what time do you"),
    (r"geoffnet|offnet|offnen|offen", "open"), (r"geschlossen|schliesst|schliessen", "closed"),
    (r"wie lange dauert", "how long does"), (r"wie lange", "how long"),
    (r"wie viel kostet|wieviel kostet|was kostet|was kosten|wie viel|wieviel",
                                      "how much"),
    (r"preisliste", "price list"), (r"preise?", "price"), (r"kostet|kosten", "cost"),
    (r"leistungen|dienstleistungen|angebot", "services"),
    (r"herrenhaarschnitt|herrenschnitt", "men haircut"), (r"damenhaarschnitt|damenschnitt", "women haircut"),
    (r"haarschnitt|schnitt|haare schneiden", "haircut"), (r"herren|mann|manner", "men"),
    (r"damen|frau|frauen", "women"), (r"farben|farbe|coloration|tonung|farbung", "colour"),
    (r"fohnen|fohnfrisur|fohn", "blow-dry"),
    (r"adresse|wo sind sie|wo seid ihr|wo finde ich sie|wo befinden sie sich", "address where are you"),
    (r"telefonnummer|telefon", "phone"), (r"e-mail|email", "email"), (r"webseite|internetseite", "website"),
    (r"parkplatz|parkplatze|parken|parkmoglichkeiten?", "parking"), (r"kinder|kind", "children"),
    (r"rabatt|ermassigung", "discount off"), (r"gunstiger|billiger", "cheaper"), (r"bezahlen|zahlen|zahlung", "pay"),
    (r"gutscheine?|geschenkgutscheine?", "gift vouchers"), (r"karte|kartenzahlung", "card"), (r"bar|bargeld", "cash"),
    (r"ohne termin", "walk-ins"), (r"verspatung|zu spat|verspatet", "late"),
    (r"was passiert bei|was passiert wenn|was ist wenn", "what if"), (r"bevor", "before"),
    (r"mitbringen", "bring"), (r"nehmen sie", "do you take"), (r"haustiere|hunde?", "pets dogs"),
    (r"haare|haar", "hair"), (r"waschen|wasche|haarwasche", "washing"),
    (r"warten", "wait"), (r"gefarbte|gefarbten|gefarbt", "coloured"),
    (r"(?:am )?(?:ersten|erster|1\.) weihnachts(?:feier)?tag", "christmas day"),
    (r"(?:am )?(?:zweiten|zweiter|2\.) weihnachts(?:feier)?tag|stephanstag", "boxing day"),
    (r"(?:an )?heiligabend|heiligen abend|heilig abend", "christmas eve"),
    (r"weihnachtstag|weihnachten", "christmas"), (r"silvester", "new year's eve"),
    (r"neujahrstag|neujahr", "new year's day"),
    (r"ersten|erste|erster", "first"), (r"letzten|letzte", "last"),
    (r"ubermorgen", "day after tomorrow"), (r"morgen fruh", "tomorrow in the morning"), (r"morgen", "tomorrow"),
    (r"heute", "today"), (r"montag", "monday"), (r"dienstag", "tuesday"), (r"mittwoch", "wednesday"),
    (r"donnerstag", "thursday"), (r"freitag", "friday"), (r"samstag|sonnabend", "saturday"), (r"sonntag", "sunday"),
    (r"nachsten|nachste|nachster|kommenden", "next"), (r"januar", "january"), (r"februar", "february"),
    (r"marz", "march"), (r"juni", "june"), (r"juli", "july"), (r"oktober", "october"), (r"dezember", "december"),
    (r"um(?=\s+\d)", "at"), (r"uhr", ""),
)

_PORTUGUESE = _table(
    (r"falar com (?:uma pessoa|alguem|um humano|um atendente|uma atendente|o responsavel|a responsavel|"
     r"um funcionario|uma pessoa real)", "talk to a person"),
    (r"pessoa real|um humano|um atendente", "a human"), (r"ligue-me|me liga|me ligue", "call me back"),
    (r"quando e a minha marcacao|quando e o meu horario|tenho (?:uma )?marcacao", "what is my appointment"),
    (r"cancelar|desmarcar", "cancel"), (r"remarcar|reagendar|mudar (?:a|o|minha|meu) (?:marcacao|horario)|"
                                        r"alterar (?:a|o|minha|meu) (?:marcacao|horario)", "reschedule"),
    (r"(?:a )?minha marcacao|(?:o )?meu horario|(?:a )?minha reserva|(?:o )?meu agendamento", "my appointment"),
    (r"uma marcacao|um horario|uma reserva|um agendamento", "an appointment"),
    (r"marcacao|agendamento|reserva|consulta", "appointment"), (r"marcar|agendar|reservar", "to book"),
    (r"gostaria|queria", "i would like"), (r"quero", "i want"), (r"preciso", "i need"),
    (r"posso", "can i"), (r"por favor", "please"), (r"pode ser|combinado|esta bem|ta bom", "ok"),
    (r"claro", "sure"), (r"perfeito", "perfect"), (r"sim|confirmo|confirmado", "yes"),
    (r"nao obrigad[oa]", "no thanks"), (r"nao", "no"), (r"muito obrigad[oa]", "thank you so much"),
    (r"obrigad[oa]|valeu", "thanks"), (r"tchau|ate logo|adeus", "bye"), (r"bom dia", "good morning"),
    (r"boa tarde", "good afternoon"), (r"boa noite", "good evening"), (r"ola|oi", "hello"),
    (r"horarios?|horario de funcionamento", "opening hours"), (r"a que horas|que horas|quando", "what time do you"),
    (r"abrem|abre|aberto|abertos|aberta", "open"), (r"fecham|fecha|fechado|fechados", "closed"),
    (r"quanto tempo demora|quanto tempo leva|quanto demora", "how long does"), (r"quanto tempo", "how long"),
    (r"quanto custa|quanto custam|quanto e|quanto fica|quanto", "how much"), (r"precos?|valores?", "price"),
    (r"servicos", "services"), (r"cortes? de cabelo|cortes?", "haircut"), (r"homens?|masculino", "men"),
    (r"mulher|mulheres|feminino|senhora", "women"), (r"coloracao|pintura|tintura|cor", "colour"),
    (r"escova", "blow-dry"), (r"endereco|onde ficam|onde fica|onde estao", "address where are you"),
    (r"telefone", "phone"), (r"e-mail", "email"), (r"site", "website"),
    (r"estacionamento|estacionar", "parking"), (r"criancas|crianca|infantil", "children"),
    (r"desconto", "discount off"), (r"mais barat[oa]s?", "cheaper"), (r"pagar|pagamento", "pay"),
    (r"vale-presente|vales-presente|cartao presente|vale presente", "gift vouchers"), (r"cartao", "card"),
    (r"dinheiro", "cash"), (r"sem marcacao", "walk-ins"), (r"atrasado|atrasada|atraso", "late"),
    (r"o que acontece se|e se", "what if"), (r"antes de", "before"), (r"levar|trazer", "bring"),
    (r"atendem|aceitam", "do you take"), (r"animais|caes|cao|cachorros?", "pets dogs"), (r"cabelo", "hair"),
    (r"lavar", "washing"),
    (r"esperar", "wait"), (r"pintado|pintados|pintada", "coloured"), (r"primeiro|primeira", "first"),
    (r"ultimo|ultima", "last"),
    (r"(?:no )?dia de natal", "christmas day"), (r"vespera de natal|noite de natal|consoada", "christmas eve"),
    (r"natal", "christmas"), (r"vespera de ano novo|passagem de ano|reveillon", "new year's eve"),
    (r"(?:no )?dia de ano novo|ano novo|ano-novo", "new year's day"),
    (r"depois de amanha", "day after tomorrow"), (r"amanha", "tomorrow"), (r"hoje", "today"),
    (r"segunda(?:-feira)?", "monday"), (r"terca(?:-feira)?", "tuesday"), (r"quarta(?:-feira)?", "wednesday"),
    (r"quinta(?:-feira)?", "thursday"), (r"sexta(?:-feira)?", "friday"), (r"sabado", "saturday"),
    (r"domingo", "sunday"), (r"proximo|proxima", "next"), (r"as(?=\s+\d)", "at"), *_MONTHS_ES_PT,
)

TABLES: dict[str, _Table] = {"es": _SPANISH, "fr": _FRENCH, "de": _GERMAN, "pt": _PORTUGUESE}

# Function words that are left over after rewriting and say nothing about what is asked: the grounded
# responder ignores them when it measures how much of a question a sentence covers (compared as its
# words() reads them: without accents or hyphens, so "a-t-il" is "atil").
FOREIGN_STOP_WORDS = frozenset({
    "a", "al", "am", "an", "as", "atil", "auch", "avec", "avez-vous", "bei", "c", "ce", "ces", "cette", "com",
    "como", "con", "d", "da", "dans", "darf", "das", "de", "debo", "del", "dem", "den", "der", "des", "devo", "die",
    "do", "dos", "du", "e", "ein", "eine", "einem", "einen", "el", "elle", "em", "en", "es", "ese", "eso", "est",
    "esta", "estce", "estceque", "este", "esto", "et", "eu", "faites-vous", "faz", "fazem", "fur", "gibt", "ha",
    "haben", "habt", "hace", "hacen", "hay", "ich", "ihr", "ihre", "il", "im", "in", "ist", "j", "je", "kann", "l",
    "la", "las", "le", "les", "lo", "los", "ma", "machen", "macht", "mas", "me", "mein", "meine", "mes", "meu",
    "mi", "minha", "mis", "mit", "mon", "muy", "n", "na", "nas", "no", "noch", "nos", "nous", "o", "oder", "ohne",
    "on", "os", "ou", "para", "passetil", "pela", "pelo", "por", "posso", "pour", "puedo", "qu", "quais", "qual",
    "que", "qui", "quoi", "s", "sans", "schon", "se", "sem", "seu", "si", "sie", "sin", "sind", "soll", "son",
    "sont", "su", "sua", "suis", "sus", "te", "tem", "tiene", "tienen", "tu", "um", "uma", "umas", "un", "una",
    "unas", "und", "une", "unos", "uns", "usted", "ustedes", "voce", "voces", "vos", "vosotros", "votre", "vous",
    "was", "wie", "wir", "wo", "y", "zu", "zum", "zur"
})


def fold(text: str) -> str:
    """Lower case without accents ("¿Cuánto?" -> "¿cuanto?"): customers often leave accents out."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("\u00df", "ss")


_DAY_OF_MONTH = re.compile(
    r"\b(\d{1,2})(?:\.|\s+de)?\s+(?=(?:january|february|march|april|may|june|july|august|september|october|"
    r"november|december)\b)"
)
_SPACES = re.compile(r"\s+")
_INVERTED = re.compile("[\u00bf\u00a1]")


def to_english(text: str, language: str) -> str:
    """``text`` (already normalised: lower case, punctuation noise dropped) with its known phrases in
    English; unchanged for English or a language without a table."""
    table = TABLES.get(language)
    if table is None:
        return text
    rewritten = _INVERTED.sub(" ", fold(text))
    pattern, english = table
    rewritten = pattern.sub(lambda found: english[int(str(found.lastgroup)[1:])], rewritten)
    # "28 de noviembre" / "28. November" -> "28 november", which the date reader knows.
    rewritten = _DAY_OF_MONTH.sub(r"\1 ", rewritten)
    return _SPACES.sub(" ", rewritten).strip()
