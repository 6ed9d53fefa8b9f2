"""The families the core multilingual rules do not cover, in the same languages (see
:mod:`engium.ai.guard.multilingual_core_rules` for how these rules are matched)."""

# ruff: noqa: RUF001  (look-alike and invisible characters are this module's subject)

from __future__ import annotations

from engium.ai.guard.rule_model import Family, Rule, rule

F = Family

# The families the core rules do not cover, in the same languages: asking for "the instructions you were
# given" (with "word for word" and "before this conversation" as supporting cues), persona set-up ("from
# now on you are ..."), refusal suppression ("never refuse"), and notes addressed to an AI inside data.
# Benign near-misses: "repite la dirección palabra por palabra" (a cue alone, too weak to flag), "a
# partir de ahora envíen las facturas a ..." (no persona), "系统提示我付款失败" (a system *notification*).
_AI_WORD_LATIN = (
    r"(?:ia|ai|ki|i\.a\.|chatbot\w*|bot|llm|(?:asistente|assistente|assistent\w*|asystent\w*|assistant)\s*(?:de |di |"
    r"do |da |"
    r"d'|van |virtu\w+|wirtualn\w+)?(?:ia|ai|ki|virtu\w+|wirtualn\w+)|ki-\w+|ia\b|sprachmodell\w*|modelo de lenguaje|"
    r"modèle de langage|modello linguistico|modelo de linguagem|taalmodel\w*|model językow\w*|yapay zek\w*)"
)
FURTHER_RULES: tuple[Rule, ...] = (
    # --- Spanish --------------------------------------------------------------------------------------------
    rule("es_instructions_given", F.PROMPT_EXTRACTION, 3.0,
         r"\b(?:instrucciones|indicaciones|reglas|órdenes|directrices|prompt)\s+(?:\w+\s+){0,2}?(?:que|con las que)\s+"
         r"(?:te\s+)?(?:recibiste|has recibido|te dieron|te han dado|te dio|te programaron|te configuraron|te pasaron|"
         r"tienes)\b|\btus\s+(?:instrucciones|reglas|directrices)\s+(?:ocultas|secretas|internas|originales|"
         r"iniciales)\b",
         ("instruccion", "indicacion", "reglas", "órdenes", "directrices", "prompt")),
    rule("es_verbatim", F.PROMPT_EXTRACTION, 2.0, r"\bpalabra por palabra\b|\btextualmente\b|\bal pie de la letra\b",
         ("palabra", "textual", "pie de la")),
    rule("es_before_conversation", F.PROMPT_EXTRACTION, 1.5,
         r"\bantes de (?:esta|la|nuestra) conversación\b|\bal (?:principio|inicio|comienzo) de (?:la|esta|nuestra) "
         r"conversación\b", ("conversación",)),
    rule("es_persona", F.PERSONA, 1.5,
         r"\b(?:a partir de ahora|desde ahora|de ahora en adelante|desde este momento)\b[^.\n]{0,30}?\b(?:eres|serás|"
         r"actúa|actuarás|finge|fingirás|te llamas|te llamarás)\b|\bahora eres\b|\bfinge (?:ser|que eres)\b|"
         r"\bactúa como (?:si fueras )?(?:una? )?(?:ia|asistente sin|chatbot|bot|modelo)\b",
         ("ahora", "desde este", "finge", "actúa")),
    rule("es_refusal_suppression", F.JAILBREAK, 2.5,
         r"\bnunca (?:te )?(?:niegues|negarás|se niega|rechaces|rechazas|rechaza|rechazarás|te niegas)\b|"
         r"\bno (?:te )?(?:niegues|rechaces) nunca\b|\bsin (?:advertencias|avisos morales|disculpas)\b|"
         r"\bpuede(?:s)? hacer (?:cualquier cosa|lo que (?:sea|quiera|quieras))\b", ("nunca", "sin ", "puede")),
    # --- French ---------------------------------------------------------------------------------------------
    rule("fr_instructions_given", F.PROMPT_EXTRACTION, 3.0,
         r"\b(?:instructions|consignes|règles|directives|prompt)\s+(?:\w+\s+){0,2}?(?:que tu as reçues|qu'on t'a "
         r"données?|que l'on t'a données?|que tu as eues|qu'on t'a fournies)\b|\btes (?:instructions|consignes|règles) "
         r"(?:cachées|secrètes|internes|initiales|originales)\b", ("instructions", "consignes", "règles", "directives",
                                                                 "prompt")),
    rule("fr_verbatim", F.PROMPT_EXTRACTION, 2.0, r"\bmot (?:pour|à) mot\b|\btextuellement\b|\btexte exact\b",
         ("mot ", "textuel", "texte exact")),
    rule("fr_before_conversation", F.PROMPT_EXTRACTION, 1.5,
         r"\bavant (?:cette|notre|la) conversation\b|\bau (?:début|commencement) de (?:la|cette|notre) conversation\b",
         ("conversation",)),
    rule("fr_persona", F.PERSONA, 1.5,
         r"\b(?:désormais|dorénavant|à partir de maintenant|dès maintenant)\b[^.\n]{0,30}?\b(?:tu es|tu seras|tu joues|"
         r"tu agis|tu t'appelles|tu incarnes)\b|\btu es (?:maintenant|désormais)\b|\bfais semblant d'être\b|"
         r"\btu joues le rôle d(?:e |')|\bjoue le rôle d(?:e |')\s*(?:une? )?(?:ia|assistant|chatbot|bot)\b|"
         r"\b(?:te |toi )?mettre dans (?:la|le) peaux? d|\bmets-toi dans la peau d|\btu t'appelleras\b",
         ("désormais", "dorénavant", "maintenant", "semblant", "rôle", "peau", "appelleras")),
    rule("fr_stay_in_character", F.PERSONA, 2.5,
         r"\breste(?:z)? dans (?:ton|votre|le) (?:personnage|rôle)\b|\bne sors (?:jamais|pas) (?:de ton|du) "
         r"(?:personnage|rôle)\b", ("personnage", "rôle")),
    rule("fr_refusal_suppression", F.JAILBREAK, 2.5,
         r"\bne (?:refuse|refuses|refusez|refuseras) jamais\b|\bsans (?:aucun )?(?:avertissements?|mises? en garde)\b|"
         r"\bpeu[xt] (?:tout faire|faire n'importe quoi|dire n'importe quoi)\b", ("jamais", "sans", "peu")),
    # --- German ---------------------------------------------------------------------------------------------
    rule("de_disregard_negated", F.INSTRUCTION_OVERRIDE, 5.0,
         r"\b(?:beachte|befolge|folge)\s+(?:\S+\s+){0,3}?(?:anweisungen|instruktionen|regeln|vorgaben|richtlinien)\s+"
         r"(?:\S+\s+)?(?:nicht|nicht mehr|ab sofort nicht)\b", ("nicht",),
         unless=r"\b(?:meine|meinen|meiner|mein|unsere|ich)\b"),
    rule("de_instructions_given", F.PROMPT_EXTRACTION, 3.0,
         r"\b(?:anweisungen|instruktionen|vorgaben|regeln|befehle|prompt)\b[^.\n]{0,15}?\b(?:die|welche)\s+(?:du|"
         r"man dir|"
         r"dir)\s+(?:\S+\s+){0,4}?(?:bekommen|erhalten|gegeben|mitgegeben)\b|\bdeine (?:geheimen|versteckten|internen|"
         r"ursprünglichen|anfänglichen|ersten) (?:anweisungen|instruktionen|vorgaben|regeln)\b",
         ("anweisung", "instruktion", "vorgabe", "regeln", "befehl", "prompt")),
    rule("de_verbatim", F.PROMPT_EXTRACTION, 2.0, r"\bwort(?:wörtlich| für wort)\b|\bwörtlich\b|\bim wortlaut\b",
         ("wort", "wörtlich")),
    rule("de_before_conversation", F.PROMPT_EXTRACTION, 1.5,
         r"\bvor (?:diesem|unserem|dem) (?:gespräch|chat|dialog)\b|\b(?:zu beginn|am anfang) (?:des|dieses|unseres) "
         r"(?:gesprächs|chats|dialogs)\b", ("gespräch", "chat", "dialog")),
    rule("de_persona", F.PERSONA, 1.5,
         r"\b(?:ab jetzt|ab sofort|von nun an|ab diesem moment)\b[^.\n]{0,30}?\b(?:bist du|wirst du|spielst du|du bist|"
         r"heißt du)\b|\bdu bist (?:jetzt|nun|ab sofort)\b|\btu so,? als (?:ob|wärst) du\b|\bspiel(?:e)? die rolle\b",
         ("ab jetzt", "ab sofort", "von nun", "ab diesem", "du bist", "tu so", "rolle")),
    rule("de_refusal_suppression", F.JAILBREAK, 2.5,
         r"\b(?:lehnst|verweigerst) (?:du )?(?:nichts|niemals|nie)\b|\b(?:lehne|verweigere) (?:niemals|nie)\b|"
         r"\bniemals (?:ablehnen|verweigern)\b|\bohne (?:warnungen|warnhinweise)\b|\b(?:kannst|darfst) (?:jetzt |nun )?"
         r"alles (?:tun|sagen|machen)\b", ("nichts", "niemals", "nie ", "ohne", "alles")),
    # --- Italian --------------------------------------------------------------------------------------------
    rule("it_instructions_given", F.PROMPT_EXTRACTION, 3.0,
         r"\b(?:istruzioni|regole|direttive|indicazioni|prompt)\s+(?:\w+\s+){0,2}?che\s+(?:ti\s+)?(?:hanno dato|hai "
         r"ricevuto|ti sono state date|ti è stato dato|ti hanno fornito|hai avuto)\b|\b(?:le tue|tue) istruzioni "
         r"(?:nascoste|segrete|interne|iniziali|originali)\b", ("istruzioni", "regole", "direttive", "indicazioni",
                                                              "prompt")),
    rule("it_verbatim", F.PROMPT_EXTRACTION, 2.0, r"\bparola per parola\b|\balla lettera\b|\btestualmente\b",
         ("parola", "lettera", "testual")),
    rule("it_before_conversation", F.PROMPT_EXTRACTION, 1.5,
         r"\b(?:all'inizio|prima) (?:della|di questa|della nostra|di questa nostra) conversazione\b",
         ("conversazione",)),
    rule("it_persona", F.PERSONA, 1.5,
         r"\b(?:da ora in poi|d'ora in poi|da adesso|da questo momento|a partire da ora)\b[^.\n]{0,30}?\b(?:sei|sarai|"
         r"agisci|fingi|ti chiami|interpreti)\b|\bora sei\b|\bfingi di essere\b|\binterpreta il ruolo\b",
         ("ora", "adesso", "momento", "fingi", "ruolo")),
    rule("it_refusal_suppression", F.JAILBREAK, 2.5,
         r"\bnon rifiutare mai\b|\bnon (?:rifiuti|rifiuterai) mai\b|\bmai rifiutare\b|\bsenza (?:avvertenze|"
         r"avvertimenti)\b|\bpuoi fare qualsiasi cosa\b", ("rifiut", "senza", "qualsiasi")),
    # --- Portuguese -----------------------------------------------------------------------------------------
    rule("pt_instructions_given", F.PROMPT_EXTRACTION, 3.0,
         r"\b(?:instruções|instrucoes|regras|diretrizes|orientações|prompt)\s+(?:\w+\s+){0,2}?(?:que\s+)?(?:você "
         r"recebeu|voce recebeu|te deram|lhe deram|foram dadas a você)\b|\b(?:suas|tuas) (?:instruções|instrucoes|"
         r"regras)"
         r" (?:ocultas|secretas|internas|iniciais|originais)\b|\binstruções (?:ocultas|secretas) que\b",
         ("instru", "regras", "diretrizes", "orienta", "prompt")),
    rule("pt_verbatim", F.PROMPT_EXTRACTION, 2.0, r"\bpalavra por palavra\b|\bipsis litteris\b",
         ("palavra", "ipsis")),
    rule("pt_before_conversation", F.PROMPT_EXTRACTION, 1.5,
         r"\bantes (?:desta|dessa|da nossa) conversa\b|\bno (?:início|inicio|começo) (?:da|desta|dessa) conversa\b",
         ("conversa",)),
    rule("pt_persona", F.PERSONA, 1.5,
         r"\b(?:a partir de agora|de agora em diante|daqui (?:em|para) (?:diante|frente))\b[^.\n]{0,30}?\b(?:você é|"
         r"voce e|você será|és|serás|finja)\b|\bagora você é\b|\bfinja (?:ser|que é|que você é)\b",
         ("agora", "daqui", "finja")),
    rule("pt_refusal_suppression", F.JAILBREAK, 2.5,
         r"\bnunca (?:se )?(?:recuse|recusa|recusará|negue)\b|\bsem (?:avisos|advertências|advertencias)\b|"
         r"\bpode fazer qualquer coisa\b", ("nunca", "sem ", "qualquer")),
    # --- Dutch ----------------------------------------------------------------------------------------------
    rule("nl_instructions_given", F.PROMPT_EXTRACTION, 3.0,
         r"\b(?:instructies|regels|opdrachten|richtlijnen|prompt)\s+(?:\w+\s+){0,2}?die je\s+(?:\S+\s+){0,4}?(?:hebt "
         r"gekregen|kreeg|hebt ontvangen|ontving|meegekregen|gekregen hebt|ontvangen hebt)\b|\bje (?:geheime|verborgen|"
         r"oorspronkelijke|interne|eerste) (?:instructies|regels|prompt)\b",
         ("instructies", "regels", "opdrachten", "richtlijnen", "prompt")),
    rule("nl_verbatim", F.PROMPT_EXTRACTION, 2.0, r"\bwoord voor woord\b|\bletterlijk\b", ("woord", "letterlijk")),
    rule("nl_persona", F.PERSONA, 1.5,
         r"\b(?:vanaf nu|vanaf dit moment|van nu af aan)\b[^.\n]{0,30}?\b(?:ben je|jij bent|je bent|speel je|"
         r"heet je)\b|"
         r"\bje bent nu\b|\bdoe alsof je\b", ("vanaf", "van nu", "je bent", "doe alsof")),
    rule("nl_refusal_suppression", F.JAILBREAK, 2.5,
         r"\bweiger (?:nooit|niets)\b|\bnooit weigeren\b|\bzonder waarschuwingen\b|\bkan alles doen\b",
         ("weiger", "zonder", "alles")),
    # --- Polish ---------------------------------------------------------------------------------------------
    rule("pl_instructions_given", F.PROMPT_EXTRACTION, 3.0,
         r"\b(?:instrukcj\w*|polece\w*|zasad\w*)\s*,?\s*(?:które|jakie)\s+(?:otrzymał\w*|dostał\w*|ci (?:dano|podano|"
         r"przekazano))\b|\btwoje (?:ukryte|tajne|wewnętrzne|pierwotne|początkowe) (?:instrukcje|zasady|polecenia)\b",
         ("instrukcj", "polece", "zasad")),
    rule("pl_verbatim", F.PROMPT_EXTRACTION, 2.0, r"\bdosłownie\b|\bsłowo w słowo\b", ("dosłownie", "słowo")),
    rule("pl_before_conversation", F.PROMPT_EXTRACTION, 1.5,
         r"\bprzed (?:tą|naszą) rozmową\b|\bna początku (?:tej |naszej )?rozmowy\b", ("rozmow",)),
    rule("pl_persona", F.PERSONA, 1.5,
         r"\bod (?:teraz|tej chwili|dzisiaj)\b[^.\n]{0,30}?\b(?:jesteś|będziesz|udawaj|nazywasz się)\b|"
         r"\bjesteś teraz\b|\budawaj,? że jesteś\b", ("od ", "jesteś", "udawaj")),
    rule("pl_unrestricted", F.JAILBREAK, 2.5,
         r"\bbez (?:żadnych |jakichkolwiek )?(?:ograniczeń|filtrów|cenzury|zasad|reguł|limitów)\b|"
         r"\btryb (?:dewelopera|programisty)\b", ("bez ", "tryb")),
    rule("pl_refusal_suppression", F.JAILBREAK, 2.5, r"\bnigdy nie odmawiaj\b|\bnie odmawiaj\b", ("odmawiaj",)),
    # --- Turkish --------------------------------------------------------------------------------------------
    rule("tr_instructions_given", F.PROMPT_EXTRACTION, 3.0,
         r"\b(?:sana|size)\s+(?:\S+\s+){0,4}?(?:verilen|verilmiş)\s+(?:\S+\s+)?(?:talimat\w*|komut\w*|kural\w*|"
         r"yönerge\w*)|\bgizli talimat\w*", ("verilen", "verilmiş", "gizli")),
    rule("tr_verbatim", F.PROMPT_EXTRACTION, 2.0, r"\bkelimesi kelimesine\b|\bharfiyen\b", ("kelimesi", "harfiyen")),
    rule("tr_before_conversation", F.PROMPT_EXTRACTION, 1.5, r"\bbu (?:konuşmadan|sohbetten) önce\b|"
         r"\bkonuşmanın başında\b", ("konuşma", "sohbet")),
    rule("tr_persona", F.PERSONA, 1.5,
         r"\b(?:bundan sonra|şu andan itibaren|artık)\b[^.\n]{0,60}?\w(?:sın|sin|sun|sün)\b|\bgibi davran\b|"
         r"\brolünü oyna\b", ("bundan sonra", "itibaren", "artık", "davran", "rolünü")),
    rule("tr_unrestricted", F.JAILBREAK, 2.5,
         r"\b(?:hiçbir|hiç bir)\s+(?:\S+\s+)?(?:kısıtlama\w*|sınır\w*|filtre\w*|kural\w*|sansür\w*)\s+(?:olmayan|yok|"
         r"olmadan|tanımayan)|\bkısıtlamasız\b|\bsansürsüz\b|\bfiltresiz\b|\bkurallara uyma\b|\bgeliştirici modu\b",
         ("hiç", "kısıtlama", "sansür", "filtre", "kurallara", "geliştirici")),
    rule("tr_refusal_suppression", F.JAILBREAK, 2.5, r"\basla reddetme\b|\breddetmeden\b", ("reddet",)),
    # --- Russian --------------------------------------------------------------------------------------------
    rule("ru_instructions_given", F.PROMPT_EXTRACTION, 3.0,
         r"(?:инструкци\w*|указани\w*|правил\w*|промпт\w*)\s*,?\s*(?:которые|что)\s+(?:тебе|вам)\s+(?:\S+\s+){0,2}?"
         r"(?:дали|дал|были даны|выдали|задали|передали|сообщили)|(?:которые|что)\s+(?:ты|вы)\s+получил\w*|"
         r"(?:свои|твои|ваши)\s+(?:скрыт\w+|секретн\w+|внутренн\w+|исходн\w+|первоначальн\w+)\s+(?:инструкци\w*|"
         r"правил\w*|указани\w*)", ("инструкц", "указани", "правил", "промпт", "получил"), script="cyrillic"),
    rule("ru_verbatim", F.PROMPT_EXTRACTION, 2.0, r"дословно|слово в слово", ("дословно", "слово в"),
         script="cyrillic"),
    rule("ru_before_conversation", F.PROMPT_EXTRACTION, 1.5,
         r"(?:до|перед) (?:этим|нашим|началом) (?:разговор\w*|диалог\w*|чат\w*)|в начале (?:нашего )?(?:разговора|"
         r"диалога|чата)", ("разговор", "диалог", "чат"), script="cyrillic"),
    rule("ru_persona", F.PERSONA, 1.5,
         r"(?:теперь|отныне|с этого момента|с этой минуты)\s*,?\s*(?:ты|вы)\b|притворись|представь,? что ты|"
         r"сыграй роль|веди себя как", ("теперь", "отныне", "момента", "минуты", "притвор", "представь", "роль",
                                          "веди себя"), script="cyrillic"),
    rule("ru_refusal_suppression", F.JAILBREAK, 2.5, r"никогда не отказывай\w*|не отказывай\w*|без предупреждений",
         ("отказыва", "предупрежд"), script="cyrillic"),
    # --- Chinese --------------------------------------------------------------------------------------------
    rule("zh_instructions_given", F.PROMPT_EXTRACTION, 3.0,
         r"(?:你|您)[^。！？\n]{0,12}?(?:收到|得到|接收到|获得|獲得)的(?:所有)?(?:指令|指示|说明|說明|提示|规则|規則|"
         r"设定|設定)|"
         r"(?:给你|給你|给您|給您)的(?:原始|初始|隐藏|隱藏|系统|系統)?(?:指令|指示|提示词|提示詞|规则|規則|设定|設定)|"
         r"你的(?:系统|系統)(?:提示|指令|消息)[^。\n]{0,20}?(?:是什么|是甚麼|输出|輸出|告诉我|告訴我|显示|顯示|给我|"
         r"給我|写出|寫出)",
         ("收到", "得到", "获得", "獲得", "给你", "給你", "给您", "給您", "你的"), script="cjk"),
    rule("zh_verbatim", F.PROMPT_EXTRACTION, 2.0,
         r"逐字|一字不差|原封不动|原封不動|完整地(?:输出|輸出|告诉|告訴|重复|重複|显示|顯示)",
         ("逐字", "一字", "原封", "完整地"), script="cjk"),
    rule("zh_before_conversation", F.PROMPT_EXTRACTION, 1.5,
         r"对话(?:开始)?之前|對話(?:開始)?之前|对话开始时|對話開始時",
         ("对话", "對話"), script="cjk"),
    rule("zh_persona", F.PERSONA, 1.5,
         r"从现在(?:开始|起)[，,]?\s*你|從現在(?:開始|起)[，,]?\s*你|你现在是|你現在是|假装(?:你是|成为)|假裝(?:你是|"
         r"成為)|"
         r"你(?:现在|現在)?(?:要)?扮演", ("现在", "現在", "假装", "假裝", "扮演"), script="cjk"),
    rule("zh_refusal_suppression", F.JAILBREAK, 2.5,
         r"(?:永远|永遠|绝不|絕不|从不|從不)拒(?:绝|絕)|不(?:要|得|能)拒(?:绝|絕)任何", ("拒",), script="cjk"),
    rule("zh_note_to_ai", F.INDIRECT, 4.0,
         r"(?:给|給|致|对|對)(?:ai|人工智能|机器人|機器人|智能助手|助手|模型|语言模型|語言模型)[^。\n]{0,8}?(?:提示|"
         r"说明|說明|指示|注意|留言|消息)?[：:]",
         ("给", "給", "致", "对", "對"), script="cjk"),
    # --- Japanese -------------------------------------------------------------------------------------------
    rule("ja_instructions_given", F.PROMPT_EXTRACTION, 3.0,
         r"(?:与えられた|与えられている|渡された|設定された|受け取った)(?:隠された|秘密の|元の|最初の)?(?:指示|命令|"
         r"プロンプト|ルール|設定)|"
         r"隠された(?:指示|命令|プロンプト|ルール)",
         ("与えられ", "渡され", "設定され", "受け取", "隠され"), script="cjk"),
    rule("ja_reveal_instructions", F.PROMPT_EXTRACTION, 2.0,
         r"(?:指示|命令|プロンプト|ルール|設定)(?:を|は)?(?:全部|すべて|全て)?(?:教え|表示|出力|見せ|書き出|繰り返|"
         r"開示)",
         ("教え", "表示", "出力", "見せ", "書き出", "繰り返", "開示"), script="cjk"),
    rule("ja_verbatim", F.PROMPT_EXTRACTION, 2.0, r"一字一句|原文のまま|そのまま(?:繰り返|出力|表示|書き出|教え)",
         ("一字", "原文", "そのまま"), script="cjk"),
    rule("ja_persona", F.PERSONA, 1.5,
         r"(?:今から|これから|今後)(?:は)?[、,]?\s*(?:あなた|君|お前)は|あなたは(?:今|もう)|ふりをして|として振る舞|"
         r"になりきって|の役を演じ",
         ("から", "今後", "あなたは", "ふり", "振る舞", "なりきって", "演じ"), script="cjk"),
    rule("ja_refusal_suppression", F.JAILBREAK, 2.5, r"(?:決して|絶対に)(?:断ら|拒否し)ない|拒否せずに",
         ("断ら", "拒否"), script="cjk"),
    rule("ja_note_to_ai", F.INDIRECT, 4.0,
         r"(?:ai|aiアシスタント|アシスタント|チャットボット|言語モデル)(?:へ|に)(?:の)?(?:指示|注意|メモ|お願い|"
         r"メッセージ)?[：:]",
         ("ai", "アシスタント", "チャットボット", "言語モデル"), script="cjk"),
    # --- Korean ---------------------------------------------------------------------------------------------
    rule("ko_instructions_given", F.PROMPT_EXTRACTION, 3.0,
         r"(?:받은|주어진|입력된|설정된|숨겨진)\s*(?:모든\s*)?(?:지시|지침|명령|프롬프트|규칙)",
         ("받은", "주어진", "입력된", "설정된", "숨겨진"), script="hangul"),
    rule("ko_verbatim", F.PROMPT_EXTRACTION, 2.0,
         r"한 글자도|토씨 하나|원문 그대로|글자 그대로|그대로\s*(?:반복|출력|보여)",
         ("글자", "토씨", "그대로"), script="hangul"),
    rule("ko_persona", F.PERSONA, 1.5,
         r"(?:지금부터|이제부터|앞으로)\s*(?:너는|넌|당신은)|인 척|처럼 행동|역할을 (?:해|맡)",
         ("지금부터", "이제부터", "앞으로", "척", "행동", "역할"), script="hangul"),
    rule("ko_unrestricted", F.JAILBREAK, 2.5,
         r"(?:제한|제약|필터|검열|규칙)(?:이|도)?\s*(?:없는|없이|없어)|규칙을 따를 필요(?:가|는)? 없|개발자 모드",
         ("없", "개발자"), script="hangul"),
    rule("ko_refusal_suppression", F.JAILBREAK, 2.5, r"(?:거절|거부)하지 (?:마|말고|않)", ("거절", "거부"),
         script="hangul"),
    rule("ko_note_to_ai", F.INDIRECT, 4.0,
         r"(?:ai|인공지능|챗봇|어시스턴트|언어 모델)\s*(?:에게|께|한테)\s*(?:전하는\s*)?(?:지시|메모|참고|"
         r"알림)?\s*[:：]",
         ("에게", "께", "한테"), script="hangul"),
    # --- Arabic ---------------------------------------------------------------------------------------------
    rule("ar_instructions_given", F.PROMPT_EXTRACTION, 3.0,
         r"(?:التعليمات|الأوامر|القواعد|التوجيهات)\s+(?:\S+\s+)?(?:التي|اللي)\s+(?:تلقيتها|تلقيت|أعطيت|أُعطيت|"
         r"حصلت عليها|"
         r"زودت بها)|تعليماتك (?:السرية|المخفية|الأصلية|الأولية|الداخلية)", ("التي", "اللي", "تعليماتك"),
         script="arabic"),
    rule("ar_verbatim", F.PROMPT_EXTRACTION, 2.0, r"حرفيا|حرفياً|كلمة بكلمة", ("حرفي", "كلمة"), script="arabic"),
    rule("ar_before_conversation", F.PROMPT_EXTRACTION, 1.5, r"قبل (?:هذه|بدء|بداية) (?:المحادثة|الدردشة)|"
         r"في بداية (?:المحادثة|الدردشة)", ("المحادثة", "الدردشة"), script="arabic"),
    rule("ar_persona", F.PERSONA, 1.5,
         r"من الآن (?:فصاعدا|فصاعداً|وصاعدا)?\s*[،,]?\s*(?:أنت|انت|ستكون|ستتصرف)|أنت الآن|تظاهر بأنك|العب دور",
         ("من الآن", "أنت الآن", "تظاهر", "العب"), script="arabic"),
    rule("ar_refusal_suppression", F.JAILBREAK, 2.5, r"لا ترفض|لا تمتنع|دون (?:أي )?(?:تحذيرات|رفض)",
         ("ترفض", "تمتنع", "دون"), script="arabic"),
    rule("ar_note_to_ai", F.INDIRECT, 4.0,
         r"(?:ملاحظة|رسالة|تعليمات|تنبيه)\s+(?:إلى|الى|ل|لل)\s*(?:مساعد\s+)?(?:الذكاء الاصطناعي|المساعد الذكي)",
         ("ملاحظة", "رسالة", "تعليمات", "تنبيه"), script="arabic"),
    # --- Hindi ----------------------------------------------------------------------------------------------
    rule("hi_extraction", F.PROMPT_EXTRACTION, 4.5,
         r"(?:सिस्टम\s*(?:प्रॉम्प्ट|प्रोम्प्ट)|(?:तुम्हारे|तुम्हें|आपके|आपको)\s+(?:\S+\s+){0,3}?(?:निर्देश|"
         r"निर्देशों))[^।\n]{0,30}?"
         r"(?:दिखा|बता|लिख|दोहरा|प्रिंट|साझा)", ("सिस्टम", "निर्देश"), script="devanagari"),
    rule("hi_system_prompt", F.PROMPT_EXTRACTION, 2.5, r"सिस्टम\s*(?:प्रॉम्प्ट|प्रोम्प्ट)", ("सिस्टम",),
         script="devanagari"),
    rule("hi_instructions_given", F.PROMPT_EXTRACTION, 3.0,
         r"(?:तुम्हें|आपको)\s+(?:\S+\s+){0,4}?(?:जो\s+)?(?:निर्देश|आदेश|नियम)\s+(?:\S+\s+)?(?:मिले|दिए गए|दिये गये)",
         ("निर्देश", "आदेश", "नियम"), script="devanagari"),
    rule("hi_verbatim", F.PROMPT_EXTRACTION, 2.0, r"शब्दशः|शब्दश:|हूबहू|अक्षरशः", ("शब्दश", "हूबहू", "अक्षरश"),
         script="devanagari"),
    rule("hi_persona", F.PERSONA, 1.5, r"अब से\s+(?:तुम|आप)|नाटक करो|की तरह (?:व्यवहार|बर्ताव) करो|की भूमिका निभाओ",
         ("अब से", "नाटक", "की तरह", "भूमिका"), script="devanagari"),
    rule("hi_unrestricted", F.JAILBREAK, 2.5,
         r"(?:कोई|किसी भी तरह का)\s+(?:\S+\s+)?(?:प्रतिबंध|पाबंदी|सीमा|फ़िल्टर|फिल्टर|नियम)\s+(?:नहीं|न)|(?:बिना|"
         r"बगैर)\s+(?:किसी\s+)?"
         r"(?:प्रतिबंध|पाबंदी|सीमा|फ़िल्टर|फिल्टर|नियम)|किसी नियम का पालन (?:मत|न) करो|डेवलपर मोड",
         ("प्रतिबंध", "पाबंदी", "सीमा", "फ़िल्टर", "फिल्टर", "नियम", "डेवलपर"), script="devanagari"),
    rule("hi_note_to_ai", F.INDIRECT, 4.0,
         r"(?:एआई|ai|चैटबॉट|बॉट)\s*(?:सहायक\s*)?(?:के लिए|को)\s*(?:नोट|निर्देश|सूचना|संदेश)\s*[:：]",
         ("के लिए", "को"), script="devanagari"),
    rule("hi_refusal_suppression", F.JAILBREAK, 2.5, r"मना मत करो|इनकार मत करो|कभी मना न", ("मना", "इनकार"),
         script="devanagari"),
    # --- Other customers' data (as the English other_customers_data) ---------------------------------------
    rule("es_other_customers_data", F.EXFILTRATION, 2.5,
         r"\b(?:otros|demás|todos los) (?:clientes|usuarios|pacientes)\b[^.?!\n]{0,20}?\b(?:teléfonos?|correos?|"
         r"e-?mails?|direcciones|datos|números|nombres|reservas)\b|\b(?:teléfonos?|correos?|e-?mails?|direcciones|"
         r"datos|"
         r"números|nombres) de (?:los )?(?:otros|demás|todos los) (?:clientes|usuarios|pacientes)\b",
         ("clientes", "usuarios", "pacientes")),
    rule("fr_other_customers_data", F.EXFILTRATION, 2.5,
         r"\b(?:numéros?|téléphones?|e-?mails?|adresses|données|noms|coordonnées|réservations) (?:de tous les|des "
         r"autres|d'autres) (?:clients|utilisateurs|patients)\b", ("clients", "utilisateurs", "patients")),
    rule("de_other_customers_data", F.EXFILTRATION, 2.5,
         r"\b(?:telefonnummern|e-mail-adressen|e-mails|adressen|daten|namen|buchungen) (?:der anderen|aller|anderer) "
         r"(?:kunden|nutzer|patienten|gäste)\b|\b(?:anderen|aller) (?:kunden|nutzer|patienten)\b[^.?!\n]{0,20}?"
         r"\b(?:telefonnummern|e-mail|adressen|daten)", ("kunden", "nutzer", "patienten", "gäste")),
    rule("it_other_customers_data", F.EXFILTRATION, 2.5,
         r"\b(?:numeri|telefoni|e-?mail|indirizzi|dati|nomi|prenotazioni) (?:di telefono )?(?:degli altri|di tutti i) "
         r"(?:clienti|utenti|pazienti)\b", ("clienti", "utenti", "pazienti")),
    rule("pt_other_customers_data", F.EXFILTRATION, 2.5,
         r"\b(?:números|telefones|e-?mails|endereços|dados|nomes|reservas) (?:de telefone )?(?:dos outros|"
         r"de todos os|de "
         r"outros) (?:clientes|usuários|utilizadores|pacientes)\b", ("clientes", "usuários", "utilizadores",
                                                                     "pacientes")),
    rule("nl_other_customers_data", F.EXFILTRATION, 2.5,
         r"\b(?:alle|andere) (?:klantgegevens|klanten|gebruikers)\b|\bgegevens van (?:alle|andere) (?:klanten|"
         r"gebruikers)\b", ("klant", "gebruikers")),
    rule("pl_other_customers_data", F.EXFILTRATION, 2.5,
         r"\b(?:numery|telefony|e-?maile|adresy|dane|nazwiska|rezerwacje) (?:telefonów )?(?:innych|wszystkich) "
         r"(?:klientów|użytkowników|pacjentów)\b", ("klientów", "użytkowników", "pacjentów")),
    rule("tr_other_customers_data", F.EXFILTRATION, 2.5,
         r"\b(?:diğer|tüm|bütün) (?:müşteri|kullanıcı|hasta)\w*\s+(?:\S+\s+)?(?:telefon|e-?posta|adres|bilgi|veri|"
         r"isim)",
         ("diğer", "tüm", "bütün")),
    rule("ru_other_customers_data", F.EXFILTRATION, 2.5,
         r"(?:телефон\w*|номер\w*|почт\w*|адрес\w*|данн\w*|имен\w*) (?:всех |других )(?:клиент\w*|пользовател\w*|"
         r"пациент\w*)", ("других", "всех"), script="cyrillic"),
    rule("zh_other_customers_data", F.EXFILTRATION, 2.5,
         r"(?:其他|其它|所有|别的|別的)(?:客户|客戶|顾客|顧客|客人|用户|用戶|病人)的?(?:电话|電話|号码|號碼|邮箱|"
         r"郵箱|地址|资料|資料|信息|訊息|数据|數據|姓名|预约|預約)",
         ("其他", "其它", "所有", "别的", "別的"), script="cjk"),
    rule("ja_other_customers_data", F.EXFILTRATION, 2.5,
         r"(?:他の|ほかの|全ての|すべての)(?:客|顧客|お客様|利用者|ユーザー|患者)(?:さん)?の(?:電話番号|メール|住所|"
         r"個人情報|データ|名前|予約)",
         ("他の", "ほかの", "全ての", "すべての"), script="cjk"),
    rule("ko_other_customers_data", F.EXFILTRATION, 2.5,
         r"(?:다른|모든)\s*(?:고객|사용자|손님|환자)\S*\s*(?:의\s*)?(?:전화번호|이메일|주소|개인정보|정보|데이터|"
         r"이름|예약)",
         ("다른", "모든"), script="hangul"),
    rule("ar_other_customers_data", F.EXFILTRATION, 2.5,
         r"(?:أرقام|رقم|هواتف|عناوين|بيانات|معلومات|أسماء|بريد)\s+(?:\S+\s+)?(?:العملاء|المستخدمين|الزبائن|المرضى)\s+"
         r"(?:الآخرين|الاخرين)|(?:جميع|كل)\s+(?:العملاء|المستخدمين|الزبائن)", ("الآخرين", "الاخرين", "جميع", "كل"),
         script="arabic"),
    rule("hi_other_customers_data", F.EXFILTRATION, 2.5,
         r"(?:दूसरे|अन्य|सभी|बाकी)\s+(?:ग्राहकों|ग्राहक|उपयोगकर्ताओं|मरीजों)\s+(?:के|की|का)\s+(?:फ़ोन|फोन|ईमेल|पते|"
         r"पता|नंबर|जानकारी|डेटा|नाम)",
         ("दूसरे", "अन्य", "सभी", "बाकी"), script="devanagari"),
    # --- "Forget what they told you" (the business's instructions, reported) --------------------------------
    rule("es_disregard_what_you_were_told", F.INSTRUCTION_OVERRIDE, 4.5,
         r"\b(?:olvida|ignora|olvide|ignore|olvidad|ignorad)\s+(?:todo\s+)?lo que\s+te\s+(?:\w+\s+)?(?:dijo|dijeron|"
         r"han "
         r"dicho|ha dicho|indicó|indicaron|ordenó|ordenaron|pidió|pidieron|programaron|enseñaron)\b",
         ("olvid", "ignor")),
    rule("fr_disregard_what_you_were_told", F.INSTRUCTION_OVERRIDE, 4.5,
         r"\b(?:oublie|oubliez|ignore|ignorez)\s+(?:tout\s+)?ce qu(?:e|')\s*(?:on|l'on|\w+(?:\s+\w+)?)\s+t'a\s+(?:dit|"
         r"demandé|appris|ordonné|indiqué|programmé)\b", ("oubli", "ignor")),
    rule("de_disregard_what_you_were_told", F.INSTRUCTION_OVERRIDE, 4.5,
         r"\b(?:vergiss|ignoriere|"
         r"vergessen sie)\s*,?\s+(?:alles,?\s+)?was\s+(?:man\s+)?dir\s+(?:\S+\s+){0,3}?(?:gesagt|"
         r"befohlen|beigebracht|aufgetragen|vorgegeben)\b", ("vergiss", "ignorier", "vergessen")),
    rule("it_disregard_what_you_were_told", F.INSTRUCTION_OVERRIDE, 4.5,
         r"\b(?:dimentica|ignora|dimenticate)\s+(?:tutto\s+)?(?:quello|ciò) che\s+ti\s+(?:hanno|ha)\s+(?:detto|"
         r"ordinato|insegnato|chiesto)\b", ("dimentic", "ignor")),
    rule("pt_disregard_what_you_were_told", F.INSTRUCTION_OVERRIDE, 4.5,
         r"\b(?:esqueça|esqueca|esquece|ignore|ignora)\s+(?:tudo\s+)?o que\s+(?:te|lhe)\s+(?:\w+\s+)?(?:disseram|disse|"
         r"mandaram|mandou|ensinaram|pediram)\b", ("esque", "ignor")),
    # --- Any Latin-script language --------------------------------------------------------------------------
    # "Eres DAN", "Du bist DAN": the best-known jailbreak personas keep their English names in translation.
    rule("named_jailbreak_persona", F.JAILBREAK, 3.0,
         r"\b(?:eres|serás|tu es|tu seras|du bist|bist du|sei|sarai|você é|voce e|jesteś|je bent|ben je|sen)\s+"
         r"(?:ahora\s+|maintenant\s+|désormais\s+|jetzt\s+|nun\s+|ora\s+|agora\s+|teraz\s+|nu\s+|artık\s+)?"
         r"(?:dan|stan|dude|aim|evilbot|evil-bot|jailbreak\w*)\b", ("dan", "stan", "dude", "aim", "evil", "jailbreak")),
    rule("note_to_ai_other_languages", F.INDIRECT, 4.0,
         r"\b(?:nota|note|hinweis|aviso|notiz|mensaje|mensagem|messaggio|nachricht|instrucciones|instruções|instrucoes|"
         r"istruzioni|anweisung(?:en)?|consignes?|uwaga|wiadomość|opmerking|bericht|notitie|recado|avviso|atención|"
         r"achtung|atenção|attenzione|notka|talimat)\b[^:\n]{0,30}?\b" + _AI_WORD_LATIN + r"[^:\n]{0,20}?:",
         ("nota", "note", "hinweis", "aviso", "notiz", "mensaj", "messag", "nachricht", "instruc", "instru", "istruz",
          "anweisung", "consigne", "uwaga", "wiadomo", "opmerking", "bericht", "notitie", "recado", "avviso", "aten",
          "achtung", "attenz", "talimat")),
    rule("ru_note_to_ai", F.INDIRECT, 4.0,
         r"(?:примечание|заметка|сообщение|инструкци\w+|указани\w+|внимание)\s+(?:для|к)\s+(?:ии|ai|ии-\w+|"
         r"ассистент\w*|модел\w*|бот\w*|чат-?бот\w*|нейросет\w*)[^:\n]{0,20}?:",
         ("примечание", "заметка", "сообщение", "инструкци", "указани", "внимание"), script="cyrillic"),
)
