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

from dataclasses import replace

from engium.ai.guard.rule_model import Family, Rule, rule

F = Family
# Up to three intervening words, within one sentence: "si ya ha confirmado, ignore este mensaje. Las normas
# del centro ..." is two sentences, not "ignore ... normas".
_W = r"(?:[^\s.!?;:。！？]+\s+){0,3}?"
# Every Latin-script rule below also excludes the English first person: "ignore" and "instructions" are
# French and English alike, and "ignore my previous instructions" is a customer correcting themselves.

_CORE: tuple[Rule, ...] = (
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
_MORE: tuple[Rule, ...] = (
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

_LATIN_LANGUAGES = frozenset({"es", "fr", "de", "it", "pt", "nl", "pl", "tr", "vi", "id"})


def _with_language(r: Rule) -> Rule:
    """Latin-script rules run only on texts with words of their language (``rule_model.languages_in``)."""
    if r.script != "latin":
        return r
    prefix = r.name.split("_", 1)[0]
    return replace(r, lang=prefix if prefix in _LATIN_LANGUAGES else "other")


RULES: tuple[Rule, ...] = tuple(_with_language(r) for r in _CORE + _MORE)
