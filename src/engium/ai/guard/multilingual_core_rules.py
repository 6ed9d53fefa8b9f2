"""The core attack shapes in other languages: override, prompt extraction and "no restrictions" personas.

Matched against the lower-cased NFKC text *without* look-alike folding (folding would turn Cyrillic and
Greek into Latin gibberish). Each language has the same three ideas as the English rules, written as
shapes (verb of disregarding … earlier … instructions) with the common inflections, not as sentences.
Customers write to a front desk in their own language, so benign near-misses matter here as much as in
English: "olvida lo que dije" (forget what I said) must not match; "olvida las instrucciones
anteriores" must.
"""

# ruff: noqa: RUF001  (look-alike and invisible characters are this module's subject)

from __future__ import annotations

from engium.ai.guard.rule_model import Family, Rule, rule

F = Family
# Up to three intervening words, within one sentence: "si ya ha confirmado, ignore este mensaje. Las normas
# del centro ..." is two sentences, not "ignore ... normas".
_W = r"(?:[^\s.!?;:。！？]+\s+){0,3}?"
# Every Latin-script rule below also excludes the English first person: "ignore" and "instructions" are
# French and English alike, and "ignore my previous instructions" is a customer correcting themselves.

CORE_RULES: tuple[Rule, ...] = (
    # --- Spanish --------------------------------------------------------------------------------------------
    rule("es_override", F.INSTRUCTION_OVERRIDE, 5.0,
         r"\b(?:ignora|ignore|ignoren|ignorar|olvida|olvide|olviden|olvidar|descarta|descarte|omite|omita|desatiende|"
         r"haz caso omiso (?:de|a)|no sigas|deja de seguir)\s+" + _W + r"(?:instrucciones|indicaciones|reglas|órdenes|"
         r"directrices|normas|restricciones|consignas|prompt)\b", ("ignor", "olvid", "descart", "omit", "desatiend",
                                                                   "caso omiso", "no sigas", "deja de"),
         unless=r"\b(?:mis|mi|nuestras|nuestros|yo|te di|te dije|le di)\b|\b(?:my|our|i|we)\b"),
    rule("es_extraction", F.PROMPT_EXTRACTION, 5.0,
         r"\b(?:muestra|muéstrame|muestrame|revela|revélame|repite|dime|imprime|escribe|enseña|comparte|traduce|"
         r"cuáles son|cuales son|cuál es|cual es)\b[^.?!\n]{0,40}?\b(?:(?:tu|tus|el|las|su|sus)\s+)?(?:prompt|"
         r"instrucciones|indicaciones|mensaje)\s+(?:del sistema|de sistema|iniciales|originales|ocultas|secretas|"
         r"internas|completo|completas|entero|íntegro)", ("prompt", "instruccion", "indicacion", "mensaje")),
    rule("es_system_prompt", F.PROMPT_EXTRACTION, 2.5,
         r"\b(?:prompt|instrucciones|mensaje) (?:del|de) sistema\b|\btus instrucciones\b|\btu prompt\b",
         ("sistema", "tus instruc", "tu prompt")),
    rule("es_unrestricted", F.JAILBREAK, 2.5,
         r"\b(?:sin|libre de|libres de|no tienes|no tiene)\s+(?:ningún tipo de |ninguna |ningún |las |los |tus |toda |"
         r"todas las |cualquier )?(?:restricciones|"
         r"filtros|censura|límites|limites|reglas|ética|moral)\b|\bmodo (?:desarrollador|dios|sin restricciones|dan)\b",
         ("sin", "libre", "no tien", "modo")),
    # --- French ---------------------------------------------------------------------------------------------
    rule("fr_override", F.INSTRUCTION_OVERRIDE, 5.0,
         r"\b(?:ignore[zr]?|ignores|oublie[zr]?|oublies|néglige[zr]?|ne tiens pas compte (?:de|des)|"
         r"ne tenez pas compte "
         r"(?:de|des)|fais abstraction (?:de|des)|faites abstraction (?:de|des)|ne suis plus|ne suivez plus)\s+" + _W
         + r"(?:instructions|consignes|directives|règles|regles|ordres|indications|restrictions|prompt)\b",
         ("ignor", "oubli", "néglig", "tiens pas", "tenez pas", "abstraction", "ne sui"),
         unless=r"\b(?:mes|mon|ma|nos|je|j'ai|t'ai)\b|\b(?:my|our|i|we)\b"),
    rule("fr_extraction", F.PROMPT_EXTRACTION, 5.0,
         r"\b(?:affiche|affichez|montre|montrez|révèle|révélez|revele|répète|répétez|repete|donne|donnez|dis-moi|"
         r"dites-moi|écris|écrivez|imprime|traduis|quelles sont|quel est)\b[^.?!\n]{0,40}?\b(?:(?:ton|tes|votre|vos|le|"
         r"les)\s+)?(?:prompt|invite|instructions|consignes|message)\s+(?:système|systeme|initiales?|originales?|"
         r"cachées?|secrètes?|internes?)", ("prompt", "invite", "instruction", "consigne", "message")),
    rule("fr_system_prompt", F.PROMPT_EXTRACTION, 2.5,
         r"\b(?:prompt|invite|consignes|instructions) (?:système|systeme|du système)\b|\b(?:tes|vos) (?:instructions|"
         r"consignes)\b", ("syst", "tes ", "vos ")),
    rule("fr_unrestricted", F.JAILBREAK, 2.5,
         r"\b(?:sans|libérée?s? de|libre de)\s+(?:aucune |aucun |les |tes |vos |ses |toutes (?:les |tes |ses |vos )?|"
         r"tous (?:les |tes |ses |vos )?)?(?:restrictions?|filtres?|censure|"
         r"limites?|"
         r"règles|éthique|morale)\b|\bmode (?:développeur|developpeur|dieu|sans restriction)\b",
         ("sans", "libr", "libér", "mode")),
    # --- German ---------------------------------------------------------------------------------------------
    rule("de_override", F.INSTRUCTION_OVERRIDE, 5.0,
         r"\b(?:ignorier(?:e|en|t)?|vergiss|vergessen sie|vergesst|missachte|missachten sie|übergehe|übergehen sie)\s+"
         + _W + r"(?:vorherigen|bisherigen|obigen|vorigen|früheren|vorangegangenen|ursprünglichen|alle|deine|ihre)?\s*"
         r"(?:anweisungen|instruktionen|befehle|regeln|vorgaben|richtlinien|anordnungen|einschränkungen|"
         r"systemanweisungen)\b",
         ("ignorier", "vergiss", "vergessen", "vergesst", "missacht", "übergeh"),
         unless=r"\b(?:meine|meinen|meiner|mein|unsere|ich)\b"),
    rule("de_extraction", F.PROMPT_EXTRACTION, 5.0,
         r"\b(?:zeig|zeige|zeigen sie|gib|geben sie|wiederhole|wiederholen sie|verrate|verraten sie|nenne|nennen sie|"
         r"schreib|schreibe|drucke|gib aus|übersetze|was ist|was sind|wie lautet|"
         r"wie lauten)\b[^.?!\n]{0,40}?\b(?:system-?prompt|systemanweisungen?|systemnachricht|(?:deine|"
         r"ihre)\s+(?:ursprünglichen\s+|geheimen\s+|versteckten\s+|anfänglichen\s+)?(?:anweisungen|instruktionen|"
         r"vorgaben|prompt))\b"
         r"(?!\s+(?:für|zur|zum|über|zu)\b)",
         ("system", "anweisung", "instruktion", "vorgabe", "prompt")),
    rule("de_system_prompt", F.PROMPT_EXTRACTION, 2.5, r"\b(?:system-?prompt|systemanweisung(?:en)?)\b", ("system",)),
    rule("de_unrestricted", F.JAILBREAK, 2.5,
         r"\b(?:ohne|frei von|keine)\s+(?:jegliche[n]? |alle |irgendwelche )?(?:einschränkungen|filter|zensur|grenzen|"
         r"regeln|ethik|moral|beschränkungen)\b|\b(?:entwicklermodus|entwickler-modus|gottmodus)\b",
         ("ohne", "frei von", "keine", "modus")),
    # --- Italian --------------------------------------------------------------------------------------------
    rule("it_override", F.INSTRUCTION_OVERRIDE, 5.0,
         r"\b(?:ignora|ignorate|ignori|dimentica|dimenticate|dimentichi|trascura|trascurate|non seguire|non seguite|"
         r"smetti di seguire)\s+" + _W + r"(?:istruzioni|indicazioni|regole|direttive|ordini|restrizioni|prompt)\b",
         ("ignor", "dimentic", "trascur", "non segu", "smetti"),
         unless=r"\b(?:mie|miei|mia|mio|nostre|ti ho|le ho)\b|\b(?:my|our|i|we)\b"),
    rule("it_extraction", F.PROMPT_EXTRACTION, 5.0,
         r"\b(?:mostra|mostrami|rivela|rivelami|ripeti|dimmi|stampa|scrivi|traduci|quali sono|"
         r"qual è)\b[^.?!\n]{0,40}?\b(?:(?:il tuo|i tuoi|le tue|il|le|la tua)\s+)?(?:prompt|istruzioni|"
         r"messaggio)\s+(?:di sistema|del sistema|"
         r"iniziali|originali|nascoste|segrete|interne)", ("prompt", "istruzioni", "messaggio")),
    rule("it_system_prompt", F.PROMPT_EXTRACTION, 2.5,
         r"\b(?:prompt|istruzioni|messaggio) (?:di|del) sistema\b|\ble tue istruzioni\b", ("sistema", "tue istru")),
    rule("it_unrestricted", F.JAILBREAK, 2.5,
         r"\b(?:senza|libero da|libera da)\s+(?:alcuna |alcun |nessuna |le |i |ogni |qualsiasi |tutte le )?"
         r"(?:restrizion[ei]|filtri|censura|limiti|regol[ae]|etica|morale)\b|"
         r"\bmodalità (?:sviluppatore|dio|senza restrizioni)\b", ("senza", "liber", "modalità")),
    # --- Portuguese -----------------------------------------------------------------------------------------
    rule("pt_override", F.INSTRUCTION_OVERRIDE, 5.0,
         r"\b(?:ignore|ignora|ignorem|ignorar|esqueça|esqueca|esquece|esqueçam|desconsidere|desconsidera|despreze|"
         r"descarte|não siga|nao siga|deixe de seguir)\s+" + _W + r"(?:instruções|instrucoes|orientações|orientacoes|"
         r"regras|diretrizes|ordens|restrições|restricoes|prompt)\b",
         ("ignor", "esque", "desconsider", "desprez", "descart", "siga", "deixe"),
         unless=r"\b(?:minhas|meus|minha|meu|nossas|eu|te dei)\b|\b(?:my|our|i|we)\b"),
    rule("pt_extraction", F.PROMPT_EXTRACTION, 5.0,
         r"\b(?:mostre|mostra|mostre-me|revele|revela|repita|repete|diga|diz|imprima|escreva|traduza|quais são|"
         r"quais sao|qual é|qual e)\b[^.?!\n]{0,40}?\b(?:(?:o seu|seu|suas|as|o|tuas|teu)\s+)?(?:prompt|instruções|"
         r"instrucoes|"
         r"mensagem)\s+(?:do sistema|de sistema|iniciais|originais|ocultas|secretas|internas)",
         ("prompt", "instru", "mensagem")),
    rule("pt_system_prompt", F.PROMPT_EXTRACTION, 2.5,
         r"\b(?:prompt|instruções|instrucoes|mensagem) (?:do|de) sistema\b|\bsuas instruções\b", ("sistema",
                                                                                                  "suas instr")),
    rule("pt_unrestricted", F.JAILBREAK, 2.5,
         r"\b(?:sem|livre de)\s+(?:nenhuma |qualquer |as |suas |todas as )?(?:restrições|restricoes|filtros|censura|"
         r"limites|"
         r"regras|"
         r"ética|etica|moral)\b|\bmodo (?:desenvolvedor|deus|sem restrições)\b", ("sem", "livre", "modo")),
    # --- Dutch ----------------------------------------------------------------------------------------------
    rule("nl_override", F.INSTRUCTION_OVERRIDE, 5.0,
         r"\b(?:negeer|negeren|vergeet|vergeten|ignoreer|ignoreren|volg niet langer)\s+" + _W
         + r"(?:instructies|aanwijzingen|opdrachten|regels|richtlijnen|beperkingen|prompt)\b",
         ("negeer", "vergeet", "vergeten", "ignoreer", "volg niet"),
         unless=r"\b(?:mijn|onze|ik)\b|\b(?:my|our|i|we)\b"),
    rule("nl_extraction", F.PROMPT_EXTRACTION, 5.0,
         r"\b(?:toon|laat|herhaal|geef|onthul|vertel|print|schrijf|vertaal|wat zijn|"
         r"wat is)\b[^.?!\n]{0,40}?\b(?:systeemprompt|systeem-prompt|systeeminstructies|systeembericht|(?:je|jouw|"
         r"uw)\s+(?:oorspronkelijke\s+|"
         r"geheime\s+|verborgen\s+|initiële\s+)?(?:instructies|prompt))\b(?!\s+(?:voor|over|bij)\b)",
         ("systeem", "instructies", "prompt")),
    rule("nl_system_prompt", F.PROMPT_EXTRACTION, 2.5, r"\bsysteem-?(?:prompt|instructies|bericht)\b", ("systeem",)),
    rule("nl_unrestricted", F.JAILBREAK, 2.5,
         r"\b(?:zonder|vrij van|geen)\s+(?:enige |alle )?(?:beperkingen|filters|censuur|grenzen|regels|ethiek|"
         r"moraal)\b|"
         r"\bontwikkelaarsmodus\b", ("zonder", "vrij van", "geen", "modus")),
    # --- Russian --------------------------------------------------------------------------------------------
    rule("ru_override", F.INSTRUCTION_OVERRIDE, 5.0,
         r"(?:игнорируй|игнорируйте|проигнорируй|проигнорируйте|игнорировать|забудь|забудьте|забыть|"
         r"не обращай внимания на|"
         r"не обращайте внимания на|отбрось|отбросьте|не следуй|не следуйте|отмени|отмените)\s+" + _W
         + r"(?:инструкци\w*|указани\w*|команд\w*|правил\w*|директив\w*|ограничени\w*|промпт\w*|установк\w*)",
         ("игнор", "забуд", "забыт", "не обраща", "отброс", "не след", "отмен"),
         unless=r"(?:мои|моих|мою|мой|моё|мне|я )", script="cyrillic"),
    rule("ru_extraction", F.PROMPT_EXTRACTION, 5.0,
         r"(?:покажи|покажите|выведи|выведите|повтори|повторите|раскрой|раскройте|напиши|напишите|скажи|скажите|"
         r"распечатай|переведи|какие|какой)\s+[^.?!\n]{0,40}?(?:системн\w+ (?:промпт\w*|подсказк\w*|инструкци\w*|"
         r"сообщени\w*)|(?:свои|твои|ваши|исходн\w+|скрыт\w+|первоначальн\w+)\s+(?:инструкци\w*|промпт\w*|указани\w*))"
         r"(?!\s+(?:по|для|о|об|насчёт)\s)",
         ("систем", "инструкц", "промпт", "указани"), script="cyrillic"),
    rule("ru_system_prompt", F.PROMPT_EXTRACTION, 2.5, r"системн\w+ (?:промпт\w*|инструкци\w*|подсказк\w*)",
         ("систем",), script="cyrillic"),
    rule("ru_unrestricted", F.JAILBREAK, 2.5,
         r"(?:без|нет никаких|свободен от|свободна от)\s+(?:каких-либо |всяких |любых )?(?:ограничени\w*|фильтр\w*|"
         r"цензур\w*|"
         r"правил\w*|этик\w*|морал\w*)|режим\w* разработчика", ("без", "нет никаких", "свобод", "режим"),
                                                                script="cyrillic"),
    # --- Chinese (simplified and traditional) ---------------------------------------------------------------
    rule("zh_override", F.INSTRUCTION_OVERRIDE, 5.0,
         r"(?:忽略|忽视|忽視|无视|無視|忘记|忘記|忘掉|不要理会|不要理會|不要遵守|不要遵循|别管|別管|抛弃|拋棄|放弃|"
         r"放棄).{0,10}?(?:之前|以前|先前|上面|上述|前面|所有|全部|原来|原來|"
         r"原有|系统|系統|你的)?.{0,6}?"
         r"(?:指令|指示|说明|說明|规则|規則|提示|命令|要求|设定|設定|限制)",
         ("忽", "无视", "無視", "忘", "不要", "别管", "別管", "抛弃", "拋棄", "放弃", "放棄"),
         unless=r"我的|我之前|我刚才|我剛才|我说|我說", script="cjk"),
    rule("zh_extraction", F.PROMPT_EXTRACTION, 5.0,
         r"(?:显示|顯示|输出|輸出|告诉我|告訴我|重复|重複|打印|泄露|透露|展示|给我看|給我看|说出|說出|翻译|翻譯|写出|"
         r"寫出).{0,12}?(?:系统提示|系統提示|系统指令|系統指令|系统消息|系統消息|"
         r"你的指令|你的提示|提示词|提示詞|初始指令|原始指令|"
         r"隐藏指令|隱藏指令|你的设定|你的設定)",
         ("显示", "顯示", "输出", "輸出", "告诉", "告訴", "重复", "重複", "打印", "泄露", "透露", "展示", "看", "说出",
          "說出", "翻译", "翻譯", "写出", "寫出"), script="cjk"),
    rule("zh_system_prompt", F.PROMPT_EXTRACTION, 2.5,
         r"系统提示|系統提示|系统指令|系統指令|提示词|提示詞", ("系", "提示"), script="cjk"),
    rule("zh_unrestricted", F.JAILBREAK, 2.5,
         r"(?:没有|沒有|不受|无|無|摆脱|擺脫)(?:任何)?(?:限制|过滤|過濾|审查|審查|道德|约束|約束|规则|規則)|"
         r"开发者模式|開發者模式|"
         r"不(?:需要|用|必)(?:再)?(?:遵守|遵循|遵從|遵从)(?:任何)?(?:规则|規則|限制|指令|准则|準則)",
         ("没有", "沒有", "不受", "无", "無", "摆脱", "擺脫", "模式", "遵"), script="cjk"),
    # --- Japanese -------------------------------------------------------------------------------------------
    rule("ja_override", F.INSTRUCTION_OVERRIDE, 5.0,
         r"(?:以前|前|上記|これまで|先ほど|最初|全て|すべて|今まで)?の?(?:すべての|全ての)?(?:指示|命令|指令|ルール|"
         r"プロンプト|"
         r"制約|設定)(?:は|を|も)(?:すべて|全て)?(?:無視|忘れ|破棄|取り消)",
         ("無視", "忘れ", "破棄", "取り消"), script="cjk"),
    rule("ja_extraction", F.PROMPT_EXTRACTION, 5.0,
         r"(?:システムプロンプト|システムメッセージ|システム指示|初期プロンプト|あなたの(?:指示|プロンプト|命令|設定))"
         r".{0,10}?(?:表示|教え|出力|繰り返|見せ|書き出|開示|翻訳|言って|示して)",
         ("システム", "プロンプト", "あなたの"), script="cjk"),
    rule("ja_system_prompt", F.PROMPT_EXTRACTION, 2.5, r"システムプロンプト|システム指示|初期プロンプト",
         ("システム", "プロンプト"), script="cjk"),
    rule("ja_unrestricted", F.JAILBREAK, 2.5,
         r"(?:制限|フィルター|検閲|倫理|ルール|規則)(?:なし|(?:が|の)(?:ない|無い)|を(?:無視|解除|外))|開発者モード|"
         r"(?:ルール|規則|指示|制限|ガイドライン)に従う必要(?:は|が)?(?:ありません|ない|無い)",
         ("制限", "フィルター", "検閲", "倫理", "ルール", "規則", "モード", "従う必要"), script="cjk"),
    # --- Arabic ---------------------------------------------------------------------------------------------
    rule("ar_override", F.INSTRUCTION_OVERRIDE, 5.0,
         r"(?:تجاهل|تجاهلي|تجاهلوا|انس|إنس|انسى|أهمل|اهمل|لا تتبع|لا تلتزم ب)\s+" + _W
         + r"(?:التعليمات|تعليمات|الأوامر|الاوامر|أوامر|الإرشادات|الارشادات|القواعد|قواعد|التوجيهات|القيود|"
         r"سياسات|السياسات)",
         ("تجاهل", "انس", "إنس", "أهمل", "اهمل", "لا تتبع", "لا تلتزم"),
         unless=r"تعليماتي|أوامري|قلته", script="arabic"),
    rule("ar_extraction", F.PROMPT_EXTRACTION, 5.0,
         r"(?:اعرض|أعرض|أظهر|اظهر|اكشف|كرر|اطبع|أخبرني|اخبرني|قل لي|ترجم|اكتب|ما هي|"
         r"ما هو)\s+[^.?!\n]{0,40}?(?:موجه النظام|تعليمات النظام|رسالة النظام|تعليماتك|التعليمات الأولية|"
         r"التعليمات الأصلية|التعليمات المخفية|"
         r"الأوامر الأصلية)", ("النظام", "تعليماتك", "التعليمات", "الأوامر"), script="arabic"),
    rule("ar_system_prompt", F.PROMPT_EXTRACTION, 2.5, r"موجه النظام|تعليمات النظام|رسالة النظام", ("النظام",),
         script="arabic"),
    rule("ar_unrestricted", F.JAILBREAK, 2.5,
         r"(?:بدون|بلا|دون)\s+(?:أي\s+)?(?:قيود|فلاتر|رقابة|حدود|قواعد|أخلاق)|وضع المطور|"
         r"(?:لا|ولا)\s+(?:تتبع|تلتزم ب)\s*(?:أي\s+)?(?:قواعد|قيود)", ("بدون", "بلا", "دون", "وضع", "تتبع", "تلتزم"),
         script="arabic"),
    # --- Korean, Turkish, Polish, Hindi, Vietnamese, Indonesian: the override phrase alone -----------------
    rule("ko_override", F.INSTRUCTION_OVERRIDE, 5.0,
         r"(?:이전|앞의|위의|모든|기존)\s*(?:의\s*)?(?:모든\s*)?(?:지시|지침|명령|규칙|프롬프트|지시사항)\S*\s*(?:을|"
         r"를|은|는)?\s*"
         r"(?:무시|잊어)", ("무시", "잊어"), script="hangul"),
    rule("ko_override_any", F.INSTRUCTION_OVERRIDE, 4.0,
         r"(?:지시|지침|명령|규칙|프롬프트|지시사항|정책)\S*\s*(?:을|를|은|는)?\s*(?:모두\s*|전부\s*|다\s*)?(?:무시|"
         r"잊어)",
         ("무시", "잊어"), unless=r"(?:제|내|저의|나의)\s", script="hangul"),
    rule("ko_extraction", F.PROMPT_EXTRACTION, 4.5, r"시스템\s*프롬프트", ("시스템",), script="hangul"),
    rule("tr_override", F.INSTRUCTION_OVERRIDE, 5.0,
         r"(?:önceki|yukarıdaki|tüm|bütün|eski)\s+(?:\S+\s+){0,2}?(?:talimatları|talimatlari|komutları|kuralları|"
         r"yönergeleri)\s+(?:\S+\s+)?(?:yok say|görmezden gel|unut|dikkate alma|boşver)",
         ("yok say", "görmezden", "unut", "dikkate alma", "boşver")),
    rule("tr_override_any", F.INSTRUCTION_OVERRIDE, 4.0,
         r"(?:talimat|komut|kural|yönerge|politika)\w*\s+(?:\S+\s+)?(?:yok say|görmezden gel|unut|dikkate alma|boşver)",
         ("yok say", "görmezden", "unut", "dikkate alma", "boşver"), unless=r"\b(?:benim|bizim)\b"),
    rule("tr_extraction", F.PROMPT_EXTRACTION, 4.5, r"sistem (?:istemi|promptu|talimatları)", ("sistem",)),
    rule("pl_override", F.INSTRUCTION_OVERRIDE, 5.0,
         r"\b(?:zignoruj|ignoruj|zapomnij|pomiń|nie stosuj się do|nie przestrzegaj)\s+" + _W + r"(?:instrukcj\w*|"
         r"polece\w*|zasad\w*|reguł\w*|wytyczn\w*|ogranicze\w*)\b",
         ("ignoruj", "zapomnij", "pomiń", "nie stosuj", "nie przestrzegaj"),
         unless=r"\b(?:moj\w*|moją|mnie|naszych|nasze|ja)\b"),
    rule("pl_extraction", F.PROMPT_EXTRACTION, 4.5, r"\bprompt(?:u)? systemow\w*|\binstrukcj\w* systemow\w*",
         ("systemow",)),
    rule("hi_override", F.INSTRUCTION_OVERRIDE, 5.0,
         r"(?:पिछले|पिछली|पहले के|ऊपर के|सभी)\s+(?:\S+\s+){0,2}?(?:निर्देशों|निर्देश|आदेशों|नियमों)\s+(?:को\s+)?"
         r"(?:अनदेखा|नज़रअंदाज़|नजरअंदाज|भूल)", ("अनदेखा", "नज़रअंदाज़", "नजरअंदाज", "भूल"), script="devanagari"),
    rule("vi_override", F.INSTRUCTION_OVERRIDE, 5.0,
         r"\b(?:bỏ qua|phớt lờ|quên|quên đi)\s+(?:\S+\s+){0,3}?(?:hướng dẫn|chỉ dẫn|chỉ thị|quy tắc|lệnh)",
         ("bỏ qua", "phớt lờ", "quên")),
    rule("id_override", F.INSTRUCTION_OVERRIDE, 5.0,
         r"\b(?:abaikan|lupakan|acuhkan)\s+(?:\S+\s+){0,3}?(?:instruksi|perintah|aturan|petunjuk)\b",
         ("abaikan", "lupakan", "acuhkan")),
)
