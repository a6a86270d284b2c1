"""English word lists for the language layer, each declared once.

Lemmas (as spaCy's lemmatizer-free pipeline gives them, lower case) and phrases. No word
here is about any particular story: these are the verbs and nouns news writes events,
speech and time with.
"""

from __future__ import annotations

from spacy.lang.en.stop_words import STOP_WORDS as _SPACY_STOP_WORDS

# Function words (spaCy's English list): a capital glued to a small letter starts a new
# sentence when it begins one of these ("...in SyriaThe desert").
STOP_WORDS = frozenset(_SPACY_STOP_WORDS)

# Verbs (lemmas) whose subject does something violent to their object.
ATTACK_VERBS = frozenset(
    "attack ambush assassinate assault behead bomb detonate execute fire hit invade kill "
    "kidnap abduct massacre murder raid shell shoot slaughter stab storm strike target "
    "torture blow explode wound injure maim hurt gun lynch besiege overrun capture seize "
    "arrest detain rape burn destroy hijack exterminate bombard fight battle clash beat "
    "poison slay retake".split()
)
# The object of these is hurt or killed (a victim); of the others, aimed at (a target).
HARM_VERBS = frozenset("kill murder assassinate behead execute massacre slaughter wound "
                       "injure maim hurt gun lynch stab shoot torture rape".split())  # fmt: skip
# The object of these is what was used, not who was hit ("police fired tear gas",
# "detonated explosives"); who was hit is "at" or "on" them ("fired on the crowd").
# Verbs whose subject carried out the event their object names ("militants launched an
# attack", "the attack was carried out by X", "X claimed responsibility for the attack").
LIGHT_VERBS = frozenset(
    "carry launch wage stage mount conduct commit perpetrate claim take".split()
)
# Words a casualty figure is counted with, by kind (regular expressions over lower-case
# words): "killed 5", "5 dead", "the deaths of 5", "slaughtered 49", "5 wounded".
TOLL_WORDS = {
    "killed": r"kill\w*|dead|deaths?|died|dies|lives|slain|slew|murder(?:ed|ing|s)?|"
    r"massacr(?:e|ed|es|ing)|slaughter(?:ed|ing|s)?|assassinat(?:ed|ing)|executed|"
    r"beheaded|lynched",
    "injured": r"injur\w*|wound\w*|hurt|maimed",
}
# Nouns a number counts that are not people, so it is no casualty figure beside a toll
# word ("fired eight times", "suffered two gunshot wounds", "one bullet hit a car"): the
# figure is of shots, wounds, hours or things.
NOT_PEOPLE_COUNTED = frozenset(
    "time times shot shots round rounds bullet bullets gunshot gunshots wound wounds "
    "stab hour hours minute minutes day days week weeks month months year years mile miles "
    "block blocks percent car cars vehicle vehicles house houses home "
    "homes building buildings".split()
)
# The local authorities that speak about every crime in their area ("the Indianapolis
# Metropolitan Police Department", "the county prosecutor", "the coroner's office"): a
# name holding one of these words is shared by unrelated stories of one place, so it
# binds none of them. (Not an army or a ministry: in war news they are who acted.)
AUTHORITY_WORDS = frozenset(
    "police sheriff sheriffs department prosecutor prosecutors court coroner coroners".split()
)
# Words saying a figure is an update of an earlier, lower one ("the toll rose to 40").
TOLL_RISE = frozenset("rose risen climbed increased jumped reached mounted grew".split())
# Pronouns that stand for a doer named before ("They killed ...").
PERSONAL_PRONOUNS = frozenset("he she they we".split())
# "killed himself": the object is the one who did it.
REFLEXIVE_PRONOUNS = frozenset("himself herself themselves".split())
MEANS_VERBS = frozenset("fire detonate".split())  # among ATTACK_VERBS
# Intransitive: the subject is the one who suffers it ("three soldiers died").
SUFFER_VERBS = frozenset("die perish drown".split())
# Nouns naming a violent event ("a suicide bombing in ...", "the attack on ...").
ATTACK_NOUNS = frozenset(
    "attack ambush assault assassination bombing blast explosion airstrike strike shooting "
    "massacre killing murder raid shelling offensive clash clashes fighting stabbing "
    "kidnapping abduction arrest siege slaughter maiming beheading execution torture rape".split()
)
# Heads (lemmas) of noun phrases that are weapons, not actors ("a roadside bomb killed ...").
WEAPON_NOUNS = frozenset(
    "bomb ied explosive device grenade mine landmine missile rocket mortar shell artillery "
    "drone gun rifle pistol handgun firearm knife machete vest airstrike weapon ammunition "
    "bullet gunfire tank jet aircraft helicopter plane warplane".split()
)
# Nouns a place name can stand before and still say where ("Helmand province").
PLACE_NOUNS = frozenset(
    "province provinces city town village district region state county capital area "
    "neighbourhood neighborhood suburb camp border valley island coast port street road "
    "square market side".split()
)
# Verbs of saying: their subject is the source of what the sentence reports.
SAY_VERBS = frozenset(
    "say tell report announce confirm state claim add quote note warn insist deny "
    "acknowledge allege estimate write tweet".split()
)
# Words that are never an actor, a place or a headline by themselves.
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip
# Month abbreviations as news writes them ("Jan. 30", "Sept. 4").
MONTH_ABBREVIATIONS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
# Pronouns and placeholders that name nobody.
NO_NAME = frozenset(
    "he she it they we i you him her them us this that these those who which someone "
    "anyone everyone nobody one himself herself themselves".split()
)
# Lines a web page adds around an article: never a sentence of the story, never a headline.
BOILERPLATE = (
    "subscribe", "sign up", "newsletter", "advertisement", "read more", "get all the latest",
    "follow us", "click here", "share this", "all rights reserved", "copyright", "cookie",
    "related:", "also read", "watch:", "listen:", "log in", "sign in", "download the app",
)  # fmt: skip
# Numbers written as words, and the words that multiply them ("two dozen", "1.2 million").
NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
MULTIPLIERS = {"dozen": 12, "dozens": 12, "score": 20, "scores": 20, "hundred": 100,
               "hundreds": 100, "thousand": 1000, "thousands": 1000, "million": 1_000_000,
               "millions": 1_000_000, "billion": 1_000_000_000}  # fmt: skip
# Speech that quotes someone else: "X quoted Y as saying", "X cited Y as saying".
QUOTING_VERBS = frozenset("quote cite".split())
# Words before a figure saying it is a lower bound ("at least 3", "more than 100").
LOWER_BOUND = frozenset("least more over than".split())
# What a model writes for a value it does not have: read as no value ("not given" as a
# date's evidence is no date). Compared folded: lower case, without brackets or a final stop.
PLACEHOLDERS = frozenset({
    "not given", "not stated", "not specified", "not mentioned", "not reported", "not known",
    "not available", "not applicable", "unknown", "unspecified", "unclear", "n/a", "na",
    "none", "null", "nil", "tbd", "-", "--", "—", "?", "no date", "no date given",
    "not provided", "no information",
})  # fmt: skip
