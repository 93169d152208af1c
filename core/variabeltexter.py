"""How each variable is presented: the areas a unit head recognises and the question each
variable's chart answers. Shared by the pages (core/ui), the review pack and the reports."""

from __future__ import annotations

# Every variable of Målgrupp once, in groups a unit head recognises.
OMRADEN: dict[str, tuple[str, ...]] = {
    "Bakgrund": ("kon", "aldersgrupp", "alder", "fodelseregion"),
    "Boende och familj": ("hushallstyp", "hemmavarande_barn", "boende", "hyra_over_skalig"),
    "Utbildning och arbete": (
        "utbildning",
        "pagaende_studier",
        "arbetshistorik",
        "pagaende_arbete",
        "af_inskriven",
        "arbetshinder",
    ),
    "Hälsa": ("halsa", "sjukintyg", "sjukersattning_avslag", "missbruk"),
    "Försörjning": ("inskrivningstid", "huvudsaklig_forsorjning", "andra_ersattningar", "a_kassa"),
    "Process": ("pagaende_insats", "handlingsplan", "sip", "forandringspotential"),
}


# The question each variable's chart answers (its title).
FRAGOR: dict[str, str] = {
    "kon": "Hur många är kvinnor och hur många män?",
    "aldersgrupp": "Hur gamla är personerna?",
    "alder": "Hur många är under 25 år, och hur många 55 år eller äldre?",
    "fodelseregion": "Var är personerna födda?",
    "hushallstyp": "I vilka hushåll lever personerna?",
    "hemmavarande_barn": "Hur många har hemmavarande barn?",
    "boende": "Hur bor personerna?",
    "hyra_over_skalig": "Hur många har en hyra över skälig nivå?",
    "utbildning": "Vilken utbildning har personerna?",
    "pagaende_studier": "Studerar personerna just nu, och i så fall vad?",
    "arbetshistorik": "Har personerna arbetat tidigare?",
    "pagaende_arbete": "Hur många arbetar just nu?",
    "af_inskriven": "Hur många är inskrivna på Arbetsförmedlingen?",
    "arbetshinder": "Vad hindrar personerna från att arbeta?",
    "halsa": "Hur många har psykisk eller fysisk ohälsa?",
    "sjukintyg": "Hur många har sjukintyg?",
    "sjukersattning_avslag": "Hur många har fått avslag på sjukersättning?",
    "missbruk": "Hur många har ett känt missbruk eller beroende?",
    "inskrivningstid": "Hur länge har personerna haft försörjningsstöd?",
    "huvudsaklig_forsorjning": "Vad lever personerna huvudsakligen på?",
    "andra_ersattningar": "Vilka andra ersättningar har personerna?",
    "a_kassa": "Hur många har rätt till a-kassa?",
    "pagaende_insats": "Har personerna en pågående arbetsmarknadsinsats, och hos vem?",
    "handlingsplan": "Hur många har en handlingsplan?",
    "sip": "Hur många har en samordnad individuell plan (SIP)?",
    "forandringspotential": "Hur stor bedöms personernas förändringspotential vara?",
}
