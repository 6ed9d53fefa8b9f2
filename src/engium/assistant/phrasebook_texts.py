"""Every sentence the assistant writes itself, in English, Spanish, French, German and Portuguese.

Keyed by what the sentence does; ``{placeholders}`` are filled by phrasebook.say with facts (names,
dates, times, prices) that the code looked up. The business's own content (FAQ answers, documents,
service and staff names) is never translated: it is quoted as the business wrote it, inside these frames.
A specification checks that every key has all five languages with the same placeholders. The hand-over
sentences (ADR 0037), built around a time phrase, have the same shape in handover_texts.py.
"""

from __future__ import annotations

from engium.assistant.phrasebook_booking_texts import BOOKING_PHRASES
from engium.assistant.phrasebook_hours_texts import HOURS_PHRASES
from engium.assistant.phrasebook_rating_texts import RATING_PHRASES

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
    # --- facts (facts.py); the hours answer's sentences are in phrasebook_hours_texts.py
    **HOURS_PHRASES,
    **RATING_PHRASES,
    # --- confirmations and reminders (booking_notices.py, reminder_replies.py)
    **BOOKING_PHRASES,
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
    "closed_next_free_day": {
        "en": "Sorry, we're closed on {day} ({label}). The next free day is {next_day}: {times}. "
              "Would one of those suit you?",
        "es": "Lo siento, estamos cerrados el {day} ({label}). El próximo día libre es el {next_day}: {times}. "
              "¿Le viene bien alguna de esas horas?",
        "fr": "Désolé, nous sommes fermés le {day} ({label}). Le prochain jour libre est le {next_day} : "
              "{times}. L'un de ces horaires vous convient-il ?",
        "de": "Leider haben wir am {day} geschlossen ({label}). Der nächste freie Tag ist {next_day}: {times}. "
              "Passt Ihnen eine dieser Zeiten?",
        "pt": "Lamento, estamos fechados no dia {day} ({label}). O próximo dia livre é {next_day}: {times}. "
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
    # --- a web visitor's one-time code for the number or address they gave (channels/widget_proof.py)
    "ask_code": {
        "en": "To book it, please enter the code we sent to your phone or e-mail in the form below, then reply yes.",
        "es": "Para reservarlo, introduzca en el formulario de abajo el código que le enviamos por SMS o correo "
              "electrónico y después responda sí.",
        "fr": "Pour réserver, saisissez dans le formulaire ci-dessous le code envoyé sur votre téléphone ou par "
              "e-mail, puis répondez oui.",
        "de": "Für die Buchung geben Sie bitte den Code, den wir an Ihr Telefon oder Ihre E-Mail geschickt haben, "
              "unten ein und antworten Sie dann mit ja.",
        "pt": "Para marcar, introduza no formulário abaixo o código que enviámos para o seu telefone ou e-mail e "
              "depois responda sim.",
    },
    "prove_first": {
        "en": "For your security, please confirm your phone number or e-mail address first: fill in the form below "
              "and enter the code we send you, then ask me again.",
        "es": "Por su seguridad, confirme primero su teléfono o correo electrónico: rellene el formulario de abajo e "
              "introduzca el código que le enviemos; después vuelva a preguntarme.",
        "fr": "Pour votre sécurité, confirmez d'abord votre numéro de téléphone ou votre adresse e-mail : remplissez "
              "le formulaire ci-dessous et saisissez le code envoyé, puis redemandez-moi.",
        "de": "Zu Ihrer Sicherheit bestätigen Sie bitte zuerst Ihre Telefonnummer oder E-Mail-Adresse: Füllen Sie das "
              "Formular unten aus und geben Sie den Code ein, den wir Ihnen schicken; fragen Sie mich dann erneut.",
        "pt": "Por segurança, confirme primeiro o seu telefone ou e-mail: preencha o formulário abaixo e introduza o "
              "código que lhe enviarmos; depois pergunte-me de novo.",
    },
    "code_still_missing": {
        "en": "Please enter the code we sent you before I book: type it in the form below, then reply yes. "
              "No code? Use the form to send a new one.",
        "es": "Introduzca el código que le enviamos antes de que reserve: escríbalo en el formulario de abajo y "
              "después responda sí. ¿No le llegó? Pida uno nuevo en el formulario.",
        "fr": "Saisissez le code que nous vous avons envoyé avant que je réserve : tapez-le dans le formulaire "
              "ci-dessous, puis répondez oui. Pas de code ? Demandez-en un nouveau dans le formulaire.",
        "de": "Bitte geben Sie den Code ein, den wir Ihnen geschickt haben, bevor ich buche: im Formular unten, "
              "dann antworten Sie mit ja. Kein Code? Fordern Sie im Formular einen neuen an.",
        "pt": "Introduza o código que lhe enviámos antes de eu marcar: escreva-o no formulário abaixo e depois "
              "responda sim. Não recebeu? Peça um novo no formulário.",
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
    # --- the customer's own bookings (booking_changes.py, customer_data.py)
    "unverified_change": {
        "en": "For your security I can only change a booking for a verified customer: please message us from the "
              "phone number you booked with, or sign in on our website. I can also pass you to a member of the team.",
        "es": "Por su seguridad solo puedo cambiar una cita de un cliente verificado: escríbanos desde el teléfono "
              "con el que reservó o inicie sesión en nuestra web. También puedo pasarle con un miembro del equipo.",
        "fr": "Pour votre sécurité, je ne peux modifier un rendez-vous que pour un client vérifié : écrivez-nous "
              "depuis le numéro utilisé pour réserver, ou connectez-vous sur notre site. Je peux aussi vous mettre "
              "en relation avec un membre de l'équipe.",
        "de": "Zu Ihrer Sicherheit kann ich Termine nur für bestätigte Kunden ändern: Schreiben Sie uns bitte von "
              "der Nummer, mit der Sie gebucht haben, oder melden Sie sich auf unserer Website an. Ich kann Sie auch "
              "an jemanden aus dem Team weitergeben.",
        "pt": "Por segurança, só posso alterar marcações de clientes verificados: escreva-nos do número com que "
              "marcou ou inicie sessão no nosso site. Também o posso passar a um membro da equipa.",
    },
    "unverified_read": {
        "en": "For your security I can only share booking or contact details with a verified customer: please "
              "message us from the phone number you booked with, or sign in on our website. I can also pass you "
              "to a member of the team.",
        "es": "Por su seguridad solo puedo compartir datos de citas o de contacto con un cliente verificado: "
              "escríbanos desde el teléfono con el que reservó o inicie sesión en nuestra web. También puedo "
              "pasarle con un miembro del equipo.",
        "fr": "Pour votre sécurité, je ne peux communiquer les rendez-vous ou coordonnées qu'à un client vérifié : "
              "écrivez-nous depuis le numéro utilisé pour réserver, ou connectez-vous sur notre site. Je peux aussi "
              "vous mettre en relation avec un membre de l'équipe.",
        "de": "Zu Ihrer Sicherheit gebe ich Termin- oder Kontaktdaten nur an bestätigte Kunden weiter: Schreiben "
              "Sie uns bitte von der Nummer, mit der Sie gebucht haben, oder melden Sie sich auf unserer Website an. "
              "Ich kann Sie auch an jemanden aus dem Team weitergeben.",
        "pt": "Por segurança, só posso partilhar dados de marcações ou de contacto com clientes verificados: "
              "escreva-nos do número com que marcou ou inicie sessão no nosso site. Também o posso passar a um "
              "membro da equipa.",
    },
    "no_upcoming_booking": {
        "en": "I couldn't find an upcoming booking for you. If you booked under another number, the team can help.",
        "es": "No encuentro ninguna cita próxima a su nombre. Si reservó con otro número, el equipo le puede ayudar.",
        "fr": "Je ne trouve pas de rendez-vous à venir pour vous. Si vous avez réservé avec un autre numéro, "
              "l'équipe pourra vous aider.",
        "de": "Ich finde keinen anstehenden Termin für Sie. Wenn Sie mit einer anderen Nummer gebucht haben, hilft "
              "Ihnen das Team.",
        "pt": "Não encontro nenhuma marcação futura para si. Se marcou com outro número, a equipa pode ajudar.",
    },
    "which_booking_cancel": {
        "en": "You have {count} upcoming bookings: {list}. Which one should I cancel?",
        "es": "Tiene {count} citas próximas: {list}. ¿Cuál debo cancelar?",
        "fr": "Vous avez {count} rendez-vous à venir : {list}. Lequel dois-je annuler ?",
        "de": "Sie haben {count} anstehende Termine: {list}. Welchen soll ich absagen?",
        "pt": "Tem {count} marcações futuras: {list}. Qual devo cancelar?",
    },
    "which_booking_move": {
        "en": "You have {count} upcoming bookings: {list}. Which one should I move?",
        "es": "Tiene {count} citas próximas: {list}. ¿Cuál debo cambiar?",
        "fr": "Vous avez {count} rendez-vous à venir : {list}. Lequel dois-je déplacer ?",
        "de": "Sie haben {count} anstehende Termine: {list}. Welchen soll ich verschieben?",
        "pt": "Tem {count} marcações futuras: {list}. Qual devo remarcar?",
    },
    "confirm_yes_no": {"en": "{question} Reply yes or no.", "es": "{question} Responda sí o no.",
                       "fr": "{question} Répondez oui ou non.", "de": "{question} Antworten Sie mit ja oder nein.",
                       "pt": "{question} Responda sim ou não."},
    "confirm_code": {
        "en": "{question} Reply with the code {code} to confirm, or NO to keep it.",
        "es": "{question} Responda con el código {code} para confirmar, o NO para dejarla como está.",
        "fr": "{question} Répondez avec le code {code} pour confirmer, ou NON pour le garder.",
        "de": "{question} Antworten Sie zur Bestätigung mit dem Code {code}, oder mit NEIN, um ihn zu behalten.",
        "pt": "{question} Responda com o código {code} para confirmar, ou NÃO para a manter.",
    },
    "shall_cancel": {"en": "Shall I cancel your {booking}?", "es": "¿Cancelo su cita: {booking}?",
                     "fr": "Dois-je annuler votre rendez-vous : {booking} ?",
                     "de": "Soll ich Ihren Termin absagen: {booking}?", "pt": "Cancelo a sua marcação: {booking}?"},
    "move_when": {
        "en": "Sure. What day and time would you like instead of your {booking}?",
        "es": "Claro. ¿Qué día y hora prefiere en lugar de su cita: {booking}?",
        "fr": "Bien sûr. Quel jour et quelle heure souhaitez-vous à la place de votre rendez-vous : {booking} ?",
        "de": "Gerne. Welchen Tag und welche Uhrzeit möchten Sie statt Ihres Termins: {booking}?",
        "pt": "Claro. Que dia e hora prefere em vez da sua marcação: {booking}?",
    },
    "move_not_free": {
        "en": "Sorry, {time} on {day} isn't free.{offer} What would suit you?",
        "es": "Lo siento, el {day} a las {time} no está libre.{offer} ¿Qué le vendría bien?",
        "fr": "Désolé, le {day} à {time} n'est pas libre.{offer} Qu'est-ce qui vous conviendrait ?",
        "de": "Leider ist am {day} um {time} nichts frei.{offer} Was würde Ihnen passen?",
        "pt": "Lamento, no dia {day} às {time} não está livre.{offer} O que lhe daria jeito?",
    },
    "nearest_free": {"en": " The nearest free times are {times}.", "es": " Las horas libres más cercanas son {times}.",
                     "fr": " Les horaires libres les plus proches sont {times}.",
                     "de": " Die nächsten freien Zeiten sind {times}.",
                     "pt": " As horas livres mais próximas são {times}."},
    "nothing_free_that_day": {"en": " Nothing is free that day.", "es": " Ese día no hay nada libre.",
                              "fr": " Rien n'est libre ce jour-là.", "de": " An diesem Tag ist nichts frei.",
                              "pt": " Nesse dia não há nada livre."},
    "shall_move": {"en": "Shall I move your booking to {slot}?", "es": "¿Cambio su cita a: {slot}?",
                   "fr": "Dois-je déplacer votre rendez-vous à : {slot} ?",
                   "de": "Soll ich Ihren Termin verschieben auf: {slot}?",
                   "pt": "Remarco a sua marcação para: {slot}?"},
    "booking_gone": {
        "en": "I couldn't find that booking any more, so nothing was changed.",
        "es": "Ya no encuentro esa cita, así que no se ha cambiado nada.",
        "fr": "Je ne trouve plus ce rendez-vous, rien n'a donc été modifié.",
        "de": "Diesen Termin finde ich nicht mehr, daher wurde nichts geändert.",
        "pt": "Já não encontro essa marcação, por isso nada foi alterado.",
    },
    "cancelled": {"en": "Done: your {booking} is cancelled.", "es": "Hecho: su cita ({booking}) está cancelada.",
                  "fr": "C'est fait : votre rendez-vous ({booking}) est annulé.",
                  "de": "Erledigt: Ihr Termin ({booking}) ist abgesagt.",
                  "pt": "Feito: a sua marcação ({booking}) foi cancelada."},
    "moved": {"en": "Done: you're now booked for {booking}.", "es": "Hecho: ahora tiene cita para {booking}.",
              "fr": "C'est fait : votre rendez-vous est maintenant : {booking}.",
              "de": "Erledigt: Ihr Termin ist jetzt: {booking}.", "pt": "Feito: a sua marcação é agora {booking}."},
    "your_bookings": {"en": "Your upcoming bookings: {list}.", "es": "Sus próximas citas: {list}.",
                      "fr": "Vos prochains rendez-vous : {list}.", "de": "Ihre anstehenden Termine: {list}.",
                      "pt": "As suas próximas marcações: {list}."},
    "no_bookings_seen": {"en": "I can't see any upcoming bookings for you.", "es": "No veo ninguna cita próxima suya.",
                         "fr": "Je ne vois aucun rendez-vous à venir pour vous.",
                         "de": "Ich sehe keine anstehenden Termine für Sie.",
                         "pt": "Não vejo nenhuma marcação futura sua."},
    "details_on_file": {"en": "We have your {details} on file.", "es": "Tenemos registrado su {details}.",
                        "fr": "Nous avons enregistré votre {details}.", "de": "Bei uns hinterlegt: {details}.",
                        "pt": "Temos registado o seu {details}."},
    "no_details_on_file": {
        "en": "We have no email or phone number on file for you.",
        "es": "No tenemos ningún correo electrónico ni teléfono registrado suyo.",
        "fr": "Nous n'avons ni e-mail ni numéro de téléphone enregistré pour vous.",
        "de": "Wir haben keine E-Mail-Adresse und keine Telefonnummer von Ihnen hinterlegt.",
        "pt": "Não temos nenhum e-mail nem telefone registado seu.",
    },
    "email_value": {"en": "email {value}", "es": "correo electrónico {value}", "fr": "e-mail {value}",
                    "de": "E-Mail {value}", "pt": "e-mail {value}"},
    "phone_value": {"en": "phone number {value}", "es": "teléfono {value}", "fr": "numéro de téléphone {value}",
                    "de": "Telefonnummer {value}", "pt": "telefone {value}"},
    # --- refusals (action_gate.py, reply_context.py)
    "gated": {
        "en": "Sorry, I can't act on that message. I can tell you about our opening hours, services and prices, "
              "and help you book: just tell me what you need.",
        "es": "Lo siento, no puedo actuar con ese mensaje. Puedo informarle de nuestro horario, servicios y precios "
              "y ayudarle a reservar: dígame qué necesita.",
        "fr": "Désolé, je ne peux pas donner suite à ce message. Je peux vous renseigner sur nos horaires, nos "
              "prestations et nos prix, et vous aider à réserver : dites-moi ce dont vous avez besoin.",
        "de": "Leider kann ich auf diese Nachricht hin nichts tun. Ich kann Ihnen unsere Öffnungszeiten, "
              "Leistungen und Preise nennen und beim Buchen helfen: Sagen Sie mir einfach, was Sie brauchen.",
        "pt": "Lamento, não posso agir com essa mensagem. Posso informar sobre o nosso horário, serviços e preços "
              "e ajudar a marcar: diga-me do que precisa.",
    },
    "safe_fallback": {
        "en": "Sorry, I can't help with that. I can tell you about our opening hours, services and prices, and "
              "book you in. What would you like?",
        "es": "Lo siento, no puedo ayudarle con eso. Puedo informarle de nuestro horario, servicios y precios, y "
              "reservarle una cita. ¿Qué desea?",
        "fr": "Désolé, je ne peux pas vous aider pour cela. Je peux vous renseigner sur nos horaires, nos "
              "prestations et nos prix, et vous réserver un rendez-vous. Que souhaitez-vous ?",
        "de": "Leider kann ich dabei nicht helfen. Ich kann Ihnen unsere Öffnungszeiten, Leistungen und Preise "
              "nennen und Sie einbuchen. Was möchten Sie?",
        "pt": "Lamento, não posso ajudar com isso. Posso informar sobre o nosso horário, serviços e preços, e "
              "fazer a sua marcação. O que deseja?",
    },
    # --- dates (phrasebook.describe_day)
    "today_is": {"en": "today ({date})", "es": "hoy ({date})", "fr": "aujourd'hui ({date})", "de": "heute ({date})",
                 "pt": "hoje ({date})"},
    "tomorrow_is": {"en": "tomorrow ({date})", "es": "mañana ({date})", "fr": "demain ({date})",
                    "de": "morgen ({date})", "pt": "amanhã ({date})"},
    "date": {"en": "{weekday} {day} {month}", "es": "{weekday} {day} de {month}", "fr": "{weekday} {day} {month}",
             "de": "{weekday}, {day}. {month}", "pt": "{weekday}, {day} de {month}"},
}
