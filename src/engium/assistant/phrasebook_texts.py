"""Every sentence the assistant writes itself, in English, Spanish, French, German and Portuguese.

Keyed by what the sentence does; ``{placeholders}`` are filled by phrasebook.say with facts (names,
dates, times, prices) that the code looked up. The business's own content (FAQ answers, documents,
service and staff names) is never translated: it is quoted as the business wrote it, inside these frames.
A specification checks that every key has all five languages with the same placeholders.
"""

from __future__ import annotations

PHRASES: dict[str, dict[str, str]] = {
    # --- small talk (engine.py)
    "abilities": {
        "en": "I can tell you our opening hours, services and prices, check availability and book you in.",
        "es": "Puedo decirle nuestro horario, servicios y precios, consultar la disponibilidad y reservarle una cita.",
        "fr": "Je peux vous donner nos horaires, nos prestations et nos prix, vérifier les disponibilités et "
              "vous réserver un rendez-vous.",
        "de": "Ich kann Ihnen unsere Öffnungszeiten, Leistungen und Preise nennen, freie Termine prüfen und Sie "
              "einbuchen.",
        "pt": "Posso informar o nosso horário, serviços e preços, ver a disponibilidade e fazer a sua marcação.",
    },
    "greeting": {
        "en": "Hello, and welcome to {business}! {abilities} How can I help?",
        "es": "¡Hola, bienvenido a {business}! {abilities} ¿En qué puedo ayudarle?",
        "fr": "Bonjour et bienvenue chez {business} ! {abilities} Comment puis-je vous aider ?",
        "de": "Hallo und willkommen bei {business}! {abilities} Wie kann ich helfen?",
        "pt": "Olá, bem-vindo a {business}! {abilities} Como posso ajudar?",
    },
    "thanks": {
        "en": "You're welcome! Is there anything else I can help with?",
        "es": "¡De nada! ¿Puedo ayudarle en algo más?",
        "fr": "Avec plaisir ! Puis-je vous aider pour autre chose ?",
        "de": "Gern geschehen! Kann ich sonst noch helfen?",
        "pt": "De nada! Posso ajudar em mais alguma coisa?",
    },
    "how_can_i_help": {
        "en": "How can I help? {abilities}",
        "es": "¿En qué puedo ayudarle? {abilities}",
        "fr": "Comment puis-je vous aider ? {abilities}",
        "de": "Wie kann ich helfen? {abilities}",
        "pt": "Como posso ajudar? {abilities}",
    },
    "kept_booking": {
        "en": "OK, I've left your booking as it is. Anything else?",
        "es": "De acuerdo, he dejado su cita como estaba. ¿Algo más?",
        "fr": "D'accord, je laisse votre rendez-vous tel quel. Autre chose ?",
        "de": "In Ordnung, Ihr Termin bleibt, wie er ist. Sonst noch etwas?",
        "pt": "Combinado, deixei a sua marcação como estava. Mais alguma coisa?",
    },
    "nothing_booked": {
        "en": "No problem, I haven't booked anything. Would another day or time suit you?",
        "es": "No hay problema, no he reservado nada. ¿Le vendría bien otro día u otra hora?",
        "fr": "Pas de problème, je n'ai rien réservé. Un autre jour ou une autre heure vous conviendrait-il ?",
        "de": "Kein Problem, ich habe nichts gebucht. Passt Ihnen ein anderer Tag oder eine andere Uhrzeit?",
        "pt": "Sem problema, não marquei nada. Outro dia ou hora dá-lhe jeito?",
    },
    # --- knowledge (grounded.py, engine.py)
    "not_sure": {
        "en": "I'm not sure about that, and I'd rather not guess.",
        "es": "No estoy seguro de eso y prefiero no adivinar.",
        "fr": "Je n'en suis pas sûr et je préfère ne pas deviner.",
        "de": "Da bin ich mir nicht sicher, und ich möchte nicht raten.",
        "pt": "Não tenho a certeza e prefiro não adivinhar.",
    },
    "offer_team": {
        "en": "Shall I pass this to the team?",
        "es": "¿Quiere que se lo pase al equipo?",
        "fr": "Voulez-vous que je transmette la question à l'équipe ?",
        "de": "Soll ich das an das Team weitergeben?",
        "pt": "Quer que passe a questão à equipa?",
    },
    "offer_person": {
        "en": "Would you like me to pass you to a member of the team?",
        "es": "¿Quiere que le pase con un miembro del equipo?",
        "fr": "Voulez-vous que je vous mette en relation avec un membre de l'équipe ?",
        "de": "Möchten Sie, dass ich Sie an jemanden aus dem Team weitergebe?",
        "pt": "Quer que o passe a um membro da equipa?",
    },
    "from_document": {
        "en": 'From "{title}": {quote}',
        "es": "Según «{title}»: {quote}",
        "fr": "D'après « {title} » : {quote}",
        "de": "Aus „{title}“: {quote}",
        "pt": "Segundo «{title}»: {quote}",
    },
    # --- facts (facts.py)
    "hours_unknown": {
        "en": "I don't have our opening hours on file, sorry. A member of the team can tell you.",
        "es": "Lo siento, no tengo nuestro horario registrado. Un miembro del equipo se lo puede decir.",
        "fr": "Désolé, je n'ai pas nos horaires. Un membre de l'équipe pourra vous renseigner.",
        "de": "Leider habe ich unsere Öffnungszeiten nicht vorliegen. Jemand aus dem Team kann sie Ihnen nennen.",
        "pt": "Lamento, não tenho o nosso horário registado. Um membro da equipa pode informá-lo.",
    },
    "hours_day_unknown": {
        "en": "I don't have our hours for {weekday}s on file, sorry.",
        "es": "Lo siento, no tengo nuestro horario del {weekday}.",
        "fr": "Désolé, je n'ai pas nos horaires du {weekday}.",
        "de": "Leider habe ich unsere Zeiten für {weekday} nicht vorliegen.",
        "pt": "Lamento, não tenho o nosso horário de {weekday}.",
    },
    "closed_on": {
        "en": "We're closed on {day}.",
        "es": "Estamos cerrados el {day}.",
        "fr": "Nous sommes fermés le {day}.",
        "de": "Am {day} haben wir geschlossen.",
        "pt": "Estamos fechados no dia {day}.",
    },
    "open_on": {
        "en": "On {day} we're open {spans}.",
        "es": "El {day} abrimos {spans}.",
        "fr": "Le {day}, nous sommes ouverts {spans}.",
        "de": "Am {day} haben wir {spans} geöffnet.",
        "pt": "No dia {day}, estamos abertos {spans}.",
    },
    "opening_hours": {
        "en": "Our opening hours: {list}.",
        "es": "Nuestro horario: {list}.",
        "fr": "Nos horaires : {list}.",
        "de": "Unsere Öffnungszeiten: {list}.",
        "pt": "O nosso horário: {list}.",
    },
    "closed": {"en": "closed", "es": "cerrado", "fr": "fermé", "de": "geschlossen", "pt": "fechado"},
    "not_listed": {"en": "not listed", "es": "sin datos", "fr": "non indiqué", "de": "keine Angabe",
                   "pt": "sem informação"},
    "and": {"en": "and", "es": "y", "fr": "et", "de": "und", "pt": "e"},
    "or": {"en": "or", "es": "o", "fr": "ou", "de": "oder", "pt": "ou"},
    "no_price_list": {
        "en": "I don't have a price list on file, sorry. A member of the team can help.",
        "es": "Lo siento, no tengo una lista de precios. Un miembro del equipo le puede ayudar.",
        "fr": "Désolé, je n'ai pas de liste de prix. Un membre de l'équipe pourra vous aider.",
        "de": "Leider habe ich keine Preisliste vorliegen. Jemand aus dem Team kann helfen.",
        "pt": "Lamento, não tenho uma tabela de preços. Um membro da equipa pode ajudar.",
    },
    "prices_asked": {
        "en": "Here's what that costs: {list}.",
        "es": "Esto es lo que cuesta: {list}.",
        "fr": "Voici le prix : {list}.",
        "de": "Das kostet: {list}.",
        "pt": "Eis o preço: {list}.",
    },
    "prices_menu": {
        "en": "Our services: {list}.",
        "es": "Nuestros servicios: {list}.",
        "fr": "Nos prestations : {list}.",
        "de": "Unsere Leistungen: {list}.",
        "pt": "Os nossos serviços: {list}.",
    },
    "price_on_request": {"en": "price on request", "es": "precio a consultar", "fr": "prix sur demande",
                         "de": "Preis auf Anfrage", "pt": "preço sob consulta"},
    "contact_address": {"en": "You'll find us at {value}.", "es": "Nos encontrará en {value}.",
                        "fr": "Vous nous trouverez au {value}.", "de": "Sie finden uns hier: {value}.",
                        "pt": "Encontra-nos em {value}."},
    "contact_phone": {"en": "You can call us on {value}.", "es": "Puede llamarnos al {value}.",
                      "fr": "Vous pouvez nous appeler au {value}.",
                      "de": "Sie erreichen uns telefonisch unter {value}.",
                      "pt": "Pode ligar-nos para o {value}."},
    "contact_email": {"en": "Our email address is {value}.", "es": "Nuestro correo electrónico es {value}.",
                      "fr": "Notre adresse e-mail est {value}.", "de": "Unsere E-Mail-Adresse ist {value}.",
                      "pt": "O nosso e-mail é {value}."},
    "contact_website": {"en": "Our website is {value}.", "es": "Nuestra web es {value}.",
                        "fr": "Notre site web est {value}.", "de": "Unsere Website ist {value}.",
                        "pt": "O nosso site é {value}."},
    "contact_missing": {
        "en": "I don't have our {missing} on file, sorry.",
        "es": "Lo siento, no tengo registrado nuestro {missing}.",
        "fr": "Désolé, je n'ai pas notre {missing}.",
        "de": "Leider habe ich {missing} nicht vorliegen.",
        "pt": "Lamento, não tenho registado o nosso {missing}.",
    },
    "topic_address": {"en": "address", "es": "dirección", "fr": "adresse", "de": "unsere Adresse", "pt": "endereço"},
    "topic_phone": {"en": "phone", "es": "teléfono", "fr": "téléphone", "de": "unsere Telefonnummer",
                    "pt": "telefone"},
    "topic_email": {"en": "email", "es": "correo electrónico", "fr": "e-mail", "de": "unsere E-Mail-Adresse",
                    "pt": "e-mail"},
    "topic_website": {"en": "website", "es": "sitio web", "fr": "site web", "de": "unsere Website", "pt": "site"},
    # --- bookings (booking_tools.py)
    "which_of": {"en": "Which would you like: {names}?", "es": "¿Cuál prefiere: {names}?",
                 "fr": "Lequel souhaitez-vous : {names} ?", "de": "Was möchten Sie: {names}?",
                 "pt": "Qual prefere: {names}?"},
    "which_service": {
        "en": "Which service would you like? We offer {names}.",
        "es": "¿Qué servicio desea? Ofrecemos {names}.",
        "fr": "Quelle prestation souhaitez-vous ? Nous proposons {names}.",
        "de": "Welche Leistung möchten Sie? Wir bieten {names}.",
        "pt": "Que serviço deseja? Oferecemos {names}.",
    },
    "no_bookings_here": {
        "en": "I can't take bookings here yet, sorry.",
        "es": "Lo siento, todavía no puedo hacer reservas aquí.",
        "fr": "Désolé, je ne peux pas encore prendre de rendez-vous ici.",
        "de": "Leider kann ich hier noch keine Termine annehmen.",
        "pt": "Lamento, ainda não posso fazer marcações aqui.",
    },
    "which_day": {
        "en": "Sure, a {service}. Which day would you like to come in?",
        "es": "Claro, {service}. ¿Qué día le gustaría venir?",
        "fr": "Bien sûr : {service}. Quel jour souhaitez-vous venir ?",
        "de": "Gerne: {service}. An welchem Tag möchten Sie kommen?",
        "pt": "Claro, {service}. Que dia gostaria de vir?",
    },
    "which_day_at": {
        "en": "Sure, a {service}. Which day would you like to come in at {time}?",
        "es": "Claro, {service}. ¿Qué día le gustaría venir a las {time}?",
        "fr": "Bien sûr : {service}. Quel jour souhaitez-vous venir à {time} ?",
        "de": "Gerne: {service}. An welchem Tag möchten Sie um {time} kommen?",
        "pt": "Claro, {service}. Que dia gostaria de vir às {time}?",
    },
    "date_passed": {
        "en": "That date has passed. Which day would you like?",
        "es": "Esa fecha ya ha pasado. ¿Qué día prefiere?",
        "fr": "Cette date est passée. Quel jour souhaitez-vous ?",
        "de": "Dieses Datum ist schon vorbei. Welcher Tag passt Ihnen?",
        "pt": "Essa data já passou. Que dia prefere?",
    },
    "too_far_ahead": {
        "en": "I can only book up to a year ahead. Which day would you like?",
        "es": "Solo puedo reservar con hasta un año de antelación. ¿Qué día prefiere?",
        "fr": "Je ne peux réserver qu'un an à l'avance au maximum. Quel jour souhaitez-vous ?",
        "de": "Ich kann höchstens ein Jahr im Voraus buchen. Welcher Tag passt Ihnen?",
        "pt": "Só posso marcar até um ano de antecedência. Que dia prefere?",
    },
    "not_bookable": {
        "en": "Sorry, {service} can't be booked at the moment.",
        "es": "Lo siento, {service} no se puede reservar en este momento.",
        "fr": "Désolé, {service} ne peut pas être réservé pour le moment.",
        "de": "Leider kann {service} im Moment nicht gebucht werden.",
        "pt": "Lamento, {service} não pode ser marcado de momento.",
    },
    "nothing_free_two_weeks": {
        "en": "Sorry, there's nothing free for a {service} on {day} or in the two weeks after.",
        "es": "Lo siento, no hay nada libre para {service} el {day} ni en las dos semanas siguientes.",
        "fr": "Désolé, il n'y a rien de libre pour {service} le {day} ni dans les deux semaines suivantes.",
        "de": "Leider ist für {service} am {day} und in den zwei Wochen danach nichts frei.",
        "pt": "Lamento, não há nada livre para {service} no dia {day} nem nas duas semanas seguintes.",
    },
    "next_free_day": {
        "en": "Sorry, there's nothing free for a {service} on {day}. The next free day is {next_day}: {times}. "
              "Would one of those suit you?",
        "es": "Lo siento, no hay nada libre para {service} el {day}. El próximo día libre es el {next_day}: {times}. "
              "¿Le viene bien alguna de esas horas?",
        "fr": "Désolé, il n'y a rien de libre pour {service} le {day}. Le prochain jour libre est le {next_day} : "
              "{times}. L'un de ces horaires vous convient-il ?",
        "de": "Leider ist für {service} am {day} nichts frei. Der nächste freie Tag ist {next_day}: {times}. "
              "Passt Ihnen eine dieser Zeiten?",
        "pt": "Lamento, não há nada livre para {service} no dia {day}. O próximo dia livre é {next_day}: {times}. "
              "Alguma destas horas dá jeito?",
    },
    "time_not_free": {
        "en": "Sorry, {time} isn't free for a {service} on {day}. The nearest free times are {times}. "
              "Would one of those suit you?",
        "es": "Lo siento, las {time} no están libres para {service} el {day}. Las horas libres más cercanas son "
              "{times}. ¿Le viene bien alguna?",
        "fr": "Désolé, {time} n'est pas libre pour {service} le {day}. Les horaires libres les plus proches sont "
              "{times}. L'un d'eux vous convient-il ?",
        "de": "Leider ist {time} für {service} am {day} nicht frei. Die nächsten freien Zeiten sind {times}. "
              "Passt Ihnen eine davon?",
        "pt": "Lamento, as {time} não estão livres para {service} no dia {day}. As horas livres mais próximas são "
              "{times}. Alguma dá jeito?",
    },
    "free_at": {
        "en": "On {day} we have a {service} free at {times}. Which time would you like?",
        "es": "El {day} tenemos {service} libre a las {times}. ¿Qué hora prefiere?",
        "fr": "Le {day}, nous avons {service} de libre à {times}. Quelle heure souhaitez-vous ?",
        "de": "Am {day} ist {service} um {times} frei. Welche Uhrzeit möchten Sie?",
        "pt": "No dia {day}, temos {service} livre às {times}. Que hora prefere?",
    },
    "last_start": {"en": " (the last start is {time})", "es": " (la última hora de inicio es las {time})",
                   "fr": " (le dernier début possible est à {time})", "de": " (der letzte Beginn ist um {time})",
                   "pt": " (a última hora de início é às {time})"},
    "slot": {
        "en": "{service} with {staff} on {day} at {time}",
        "es": "{service} con {staff} el {day} a las {time}",
        "fr": "{service} avec {staff} le {day} à {time}",
        "de": "{service} bei {staff} am {day} um {time}",
        "pt": "{service} com {staff} no dia {day} às {time}",
    },
    "propose": {
        "en": "I can book you in: {details}. Shall I confirm? Reply yes or no.",
        "es": "Puedo reservarle: {details}. ¿Lo confirmo? Responda sí o no.",
        "fr": "Je peux vous réserver : {details}. Je confirme ? Répondez oui ou non.",
        "de": "Ich kann Sie einbuchen: {details}. Soll ich bestätigen? Antworten Sie mit ja oder nein.",
        "pt": "Posso marcar: {details}. Confirmo? Responda sim ou não.",
    },
    "propose_needs_details": {
        "en": "I can book you in: {details}. {ask}",
        "es": "Puedo reservarle: {details}. {ask}",
        "fr": "Je peux vous réserver : {details}. {ask}",
        "de": "Ich kann Sie einbuchen: {details}. {ask}",
        "pt": "Posso marcar: {details}. {ask}",
    },
    "just_taken": {"en": "Sorry, that time was just taken. ", "es": "Lo siento, esa hora se acaba de ocupar. ",
                   "fr": "Désolé, ce créneau vient d'être pris. ", "de": "Leider wurde diese Zeit gerade vergeben. ",
                   "pt": "Lamento, essa hora acabou de ser ocupada. "},
    "booked": {
        "en": "You're booked: {details}. See you then!",
        "es": "Su cita está reservada: {details}. ¡Hasta entonces!",
        "fr": "C'est réservé : {details}. À bientôt !",
        "de": "Sie sind eingebucht: {details}. Bis dann!",
        "pt": "Está marcado: {details}. Até lá!",
    },
    # --- contact details for a web booking (contact_details.py)
    "ask_details": {
        "en": "To book it, I need your name and a phone number or e-mail address: please fill in the form below, "
              "then reply yes.",
        "es": "Para reservarlo necesito su nombre y un teléfono o correo electrónico: rellene el formulario de "
              "abajo y después responda sí.",
        "fr": "Pour réserver, il me faut votre nom et un numéro de téléphone ou une adresse e-mail : remplissez le "
              "formulaire ci-dessous, puis répondez oui.",
        "de": "Für die Buchung brauche ich Ihren Namen und eine Telefonnummer oder E-Mail-Adresse: Bitte füllen Sie "
              "das Formular unten aus und antworten Sie dann mit ja.",
        "pt": "Para marcar, preciso do seu nome e de um telefone ou e-mail: preencha o formulário abaixo e depois "
              "responda sim.",
    },
    "details_still_missing": {
        "en": "I still need your name and a phone number or e-mail address before I can book. Please fill in the "
              "form below, then reply yes.",
        "es": "Todavía necesito su nombre y un teléfono o correo electrónico para poder reservar. Rellene el "
              "formulario de abajo y después responda sí.",
        "fr": "Il me faut encore votre nom et un numéro de téléphone ou une adresse e-mail pour réserver. "
              "Remplissez le formulaire ci-dessous, puis répondez oui.",
        "de": "Ich brauche noch Ihren Namen und eine Telefonnummer oder E-Mail-Adresse, bevor ich buchen kann. "
              "Bitte füllen Sie das Formular unten aus und antworten Sie dann mit ja.",
        "pt": "Ainda preciso do seu nome e de um telefone ou e-mail para poder marcar. Preencha o formulário abaixo "
              "e depois responda sim.",
    },
    # --- confirmation codes (confirmation_codes.py)
    "ask_for_code": {
        "en": "To confirm, please reply with the 6-digit code from my last message, or NO to keep your booking as "
              "it is.",
        "es": "Para confirmar, responda con el código de 6 cifras de mi último mensaje, o NO para dejar su cita "
              "como está.",
        "fr": "Pour confirmer, répondez avec le code à 6 chiffres de mon dernier message, ou NON pour garder votre "
              "rendez-vous tel quel.",
        "de": "Zur Bestätigung antworten Sie bitte mit dem 6-stelligen Code aus meiner letzten Nachricht, oder mit "
              "NEIN, um Ihren Termin zu behalten.",
        "pt": "Para confirmar, responda com o código de 6 dígitos da minha última mensagem, ou NÃO para manter a "
              "sua marcação.",
    },
    "wrong_code": {
        "en": "That code doesn't match. Please reply with the 6-digit code from my last message, or NO to keep "
              "your booking as it is.",
        "es": "Ese código no coincide. Responda con el código de 6 cifras de mi último mensaje, o NO para dejar su "
              "cita como está.",
        "fr": "Ce code ne correspond pas. Répondez avec le code à 6 chiffres de mon dernier message, ou NON pour "
              "garder votre rendez-vous tel quel.",
        "de": "Dieser Code stimmt nicht. Bitte antworten Sie mit dem 6-stelligen Code aus meiner letzten "
              "Nachricht, oder mit NEIN, um Ihren Termin zu behalten.",
        "pt": "Esse código não corresponde. Responda com o código de 6 dígitos da minha última mensagem, ou NÃO "
              "para manter a sua marcação.",
    },
    "code_given_up": {
        "en": "That code doesn't match either, so I've left your booking as it is. If you still want to change it, "
              "just ask again and I'll send a new code.",
        "es": "Ese código tampoco coincide, así que he dejado su cita como estaba. Si aún quiere cambiarla, "
              "pídalo de nuevo y le enviaré un código nuevo.",
        "fr": "Ce code ne correspond pas non plus, je laisse donc votre rendez-vous tel quel. Si vous voulez "
              "toujours le modifier, redemandez-le et je vous enverrai un nouveau code.",
        "de": "Auch dieser Code stimmt nicht, daher bleibt Ihr Termin, wie er ist. Wenn Sie ihn noch ändern "
              "möchten, fragen Sie einfach noch einmal, und ich schicke einen neuen Code.",
        "pt": "Esse código também não corresponde, por isso deixei a sua marcação como estava. Se ainda a quiser "
              "alterar, peça de novo e envio um código novo.",
    },
    "code_expired": {
        "en": "That code is no longer valid, so nothing was changed. If you still want to change your booking, "
              "just ask again and I'll send a new code.",
        "es": "Ese código ya no es válido, así que no se ha cambiado nada. Si aún quiere cambiar su cita, pídalo "
              "de nuevo y le enviaré un código nuevo.",
        "fr": "Ce code n'est plus valable, rien n'a donc été modifié. Si vous voulez toujours changer votre "
              "rendez-vous, redemandez-le et je vous enverrai un nouveau code.",
        "de": "Dieser Code ist nicht mehr gültig, daher wurde nichts geändert. Wenn Sie Ihren Termin noch ändern "
              "möchten, fragen Sie einfach noch einmal, und ich schicke einen neuen Code.",
        "pt": "Esse código já não é válido, por isso nada foi alterado. Se ainda quiser alterar a sua marcação, "
              "peça de novo e envio um código novo.",
    },
    # --- hand-over (escalation.py): what the customer is told
    "escalated_customer_request": {
        "en": "Of course. I've asked a member of the team to take over; they'll reply here shortly.",
        "es": "Por supuesto. He pedido a un miembro del equipo que se encargue; le responderá aquí en breve.",
        "fr": "Bien sûr. J'ai demandé à un membre de l'équipe de prendre le relais ; il vous répondra ici sous peu.",
        "de": "Natürlich. Ich habe jemanden aus dem Team gebeten zu übernehmen; Sie bekommen hier in Kürze eine "
              "Antwort.",
        "pt": "Claro. Pedi a um membro da equipa para continuar; vai responder aqui em breve.",
    },
    "escalated_keyword": {
        "en": "I've passed your message to a member of the team; they'll reply here shortly.",
        "es": "He pasado su mensaje a un miembro del equipo; le responderá aquí en breve.",
        "fr": "J'ai transmis votre message à un membre de l'équipe ; il vous répondra ici sous peu.",
        "de": "Ich habe Ihre Nachricht an jemanden aus dem Team weitergegeben; Sie bekommen hier in Kürze eine "
              "Antwort.",
        "pt": "Passei a sua mensagem a um membro da equipa; vai responder aqui em breve.",
    },
    "escalated_failed_turns": {
        "en": "Sorry I couldn't help with that. I've asked a member of the team to reply here shortly.",
        "es": "Siento no haber podido ayudarle con eso. He pedido a un miembro del equipo que le responda aquí en "
              "breve.",
        "fr": "Désolé de ne pas avoir pu vous aider. J'ai demandé à un membre de l'équipe de vous répondre ici "
              "sous peu.",
        "de": "Leider konnte ich dabei nicht helfen. Ich habe jemanden aus dem Team gebeten, Ihnen hier in Kürze "
              "zu antworten.",
        "pt": "Lamento não ter conseguido ajudar. Pedi a um membro da equipa para responder aqui em breve.",
    },
    "escalated_low_confidence": {
        "en": "I'm not sure about that and would rather not guess, so I've asked a member of the team to reply "
              "here shortly.",
        "es": "No estoy seguro de eso y prefiero no adivinar, así que he pedido a un miembro del equipo que le "
              "responda aquí en breve.",
        "fr": "Je n'en suis pas sûr et je préfère ne pas deviner, j'ai donc demandé à un membre de l'équipe de "
              "vous répondre ici sous peu.",
        "de": "Da bin ich mir nicht sicher und möchte nicht raten, daher habe ich jemanden aus dem Team gebeten, "
              "Ihnen hier in Kürze zu antworten.",
        "pt": "Não tenho a certeza e prefiro não adivinhar, por isso pedi a um membro da equipa para responder "
              "aqui em breve.",
    },
    "escalated_guard": {
        "en": "I've passed your message to a member of the team; they'll reply here shortly.",
        "es": "He pasado su mensaje a un miembro del equipo; le responderá aquí en breve.",
        "fr": "J'ai transmis votre message à un membre de l'équipe ; il vous répondra ici sous peu.",
        "de": "Ich habe Ihre Nachricht an jemanden aus dem Team weitergegeben; Sie bekommen hier in Kürze eine "
              "Antwort.",
        "pt": "Passei a sua mensagem a um membro da equipa; vai responder aqui em breve.",
    },
    "escalated_error": {
        "en": "Sorry, something went wrong on our side. A member of the team will reply here shortly.",
        "es": "Lo siento, algo ha fallado por nuestra parte. Un miembro del equipo le responderá aquí en breve.",
        "fr": "Désolé, un problème est survenu de notre côté. Un membre de l'équipe vous répondra ici sous peu.",
        "de": "Entschuldigung, bei uns ist etwas schiefgelaufen. Jemand aus dem Team antwortet Ihnen hier in Kürze.",
        "pt": "Lamento, algo correu mal do nosso lado. Um membro da equipa vai responder aqui em breve.",
    },
    # --- dates (phrasebook.describe_day)
    "today_is": {"en": "today ({date})", "es": "hoy ({date})", "fr": "aujourd'hui ({date})", "de": "heute ({date})",
                 "pt": "hoje ({date})"},
    "tomorrow_is": {"en": "tomorrow ({date})", "es": "mañana ({date})", "fr": "demain ({date})",
                    "de": "morgen ({date})", "pt": "amanhã ({date})"},
    "date": {"en": "{weekday} {day} {month}", "es": "{weekday} {day} de {month}", "fr": "{weekday} {day} {month}",
             "de": "{weekday}, {day}. {month}", "pt": "{weekday}, {day} de {month}"},
}

WEEKDAYS: dict[str, tuple[str, ...]] = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    "pt": ("segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "sábado", "domingo"),
}
SHORT_WEEKDAYS: dict[str, tuple[str, ...]] = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "es": ("lun", "mar", "mié", "jue", "vie", "sáb", "dom"),
    "fr": ("lun", "mar", "mer", "jeu", "ven", "sam", "dim"),
    "de": ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"),
    "pt": ("seg", "ter", "qua", "qui", "sex", "sáb", "dom"),
}
MONTHS: dict[str, tuple[str, ...]] = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
           "noviembre", "diciembre"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember"),
    "pt": ("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro",
           "novembro", "dezembro"),
}
