"""Industry of the hiring company: from the source (Glassdoor industry/sector), else a company map, else
keyword rules on the company's own description (an HN comment's opening paragraph), else "unknown".

Categories are coarse on purpose: the guide's claims name healthcare, finance and e-commerce, so those
must exist and be reliable; biotech and pharma fold into healthcare and insurance into finance
(documented here so a report can say what "healthcare" counts).
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path

from skillpulse.extractors.regex_literals import LiteralGate, fold_for_literals

INDUSTRIES = (
    "software_internet",
    "ai_ml",
    "finance",  # banks, fintech, insurance, trading, crypto
    "healthcare",  # care providers, health tech, biotech and pharma, medical devices
    "e-commerce",
    "retail",
    "education",
    "government",
    "manufacturing",  # incl. hardware, electronics, semiconductors, chemicals
    "media",  # incl. advertising, publishing, entertainment, games
    "consulting",  # incl. IT services, staffing and outsourcing
    "energy",  # incl. utilities, oil and gas, climate
    "telecom",
    "transportation",  # incl. logistics, automotive, mobility
    "real_estate",
    "security_defense",  # aerospace, defense, cybersecurity
    "travel_hospitality",
    "nonprofit",
    "unknown",
)
COMPANY_MAP_PATH = Path(__file__).resolve().parents[1] / "data" / "company_industry.yaml"

# Glassdoor "Industry" (specific) first, then "Sector" (broad).
GLASSDOOR_INDUSTRY = {
    "Accounting": "consulting", "Advertising & Marketing": "media", "Aerospace & Defense": "security_defense",
    "Architectural & Engineering Services": "consulting", "Auctions & Galleries": "retail",
    "Banks & Credit Unions": "finance", "Beauty & Personal Accessories Stores": "retail",
    "Biotech & Pharmaceuticals": "healthcare", "Brokerage Services": "finance",
    "Cable, Internet & Telephone Providers": "telecom", "Chemical Manufacturing": "manufacturing",
    "Colleges & Universities": "education", "Computer Hardware & Software": "software_internet",
    "Construction": "real_estate", "Consulting": "consulting",
    "Consumer Electronics & Appliances Stores": "retail",
    "Consumer Product Rental": "retail", "Consumer Products Manufacturing": "manufacturing",
    "Department, Clothing, & Shoe Stores": "retail", "Education Training Services": "education",
    "Electrical & Electronic Manufacturing": "manufacturing", "Energy": "energy",
    "Enterprise Software & Network Solutions": "software_internet",
    "Express Delivery Services": "transportation",
    "Farm Support Services": "manufacturing", "Federal Agencies": "government",
    "Financial Analytics & Research": "finance", "Financial Transaction Processing": "finance",
    "Food & Beverage Manufacturing": "manufacturing", "Food & Beverage Stores": "retail", "Gambling": "media",
    "Gas Stations": "retail", "Health Care Products Manufacturing": "healthcare",
    "Health Care Services & Hospitals": "healthcare", "Health, Beauty, & Fitness": "retail",
    "Hotels, Motels, & Resorts": "travel_hospitality", "IT Services": "consulting",
    "Industrial Manufacturing": "manufacturing", "Insurance Agencies & Brokerages": "finance",
    "Insurance Carriers": "finance", "Internet": "software_internet",
    "Investment Banking & Asset Management": "finance", "K-12 Education": "education", "Lending": "finance",
    "Logistics & Supply Chain": "transportation", "Metals Brokers": "manufacturing", "Mining": "energy",
    "Miscellaneous Manufacturing": "manufacturing", "Motion Picture Production & Distribution": "media",
    "News Outlet": "media", "Oil & Gas Services": "energy", "Other Retail Stores": "retail",
    "Preschool & Child Care": "education", "Publishing": "media", "Rail": "transportation",
    "Real Estate": "real_estate", "Religious Organizations": "nonprofit",
    "Research & Development": "consulting",
    "Security Services": "security_defense", "Shipping": "transportation", "Social Assistance": "nonprofit",
    "Sporting Goods Stores": "retail", "Staffing & Outsourcing": "consulting",
    "State & Regional Agencies": "government", "Stock Exchanges": "finance",
    "TV Broadcast & Cable Networks": "media", "Telecommunications Manufacturing": "telecom",
    "Telecommunications Services": "telecom", "Timber Operations": "manufacturing",
    "Transportation Equipment Manufacturing": "transportation", "Transportation Management": "transportation",
    "Travel Agencies": "travel_hospitality", "Trucking": "transportation", "Utilities": "energy",
    "Venture Capital & Private Equity": "finance", "Video Games": "media", "Wholesale": "retail",
}  # fmt: skip
GLASSDOOR_SECTOR = {
    "Accounting & Legal": "consulting", "Aerospace & Defense": "security_defense",
    "Agriculture & Forestry": "manufacturing", "Arts, Entertainment & Recreation": "media",
    "Biotech & Pharmaceuticals": "healthcare", "Business Services": "consulting",
    "Construction, Repair & Maintenance": "real_estate", "Consumer Services": "retail",
    "Education": "education", "Finance": "finance", "Government": "government", "Health Care": "healthcare",
    "Information Technology": "software_internet", "Insurance": "finance", "Manufacturing": "manufacturing",
    "Media": "media", "Mining & Metals": "energy", "Non-Profit": "nonprofit",
    "Oil, Gas, Energy & Utilities": "energy", "Real Estate": "real_estate", "Retail": "retail",
    "Telecommunications": "telecom", "Transportation & Logistics": "transportation",
    "Travel & Tourism": "travel_hospitality",
}  # fmt: skip

# LinkedIn industry names that occur in the bundled LinkedIn scrapes (its 2022 "V2" taxonomy, plus older
# "V1" names such as "Information Technology & Services"), as readers put them in attributes["industry"].
# Same categories and the same folding as Glassdoor above (IT services, staffing, HR and research services
# are consulting; biotech and pharma are healthcare; cybersecurity is security_defense; car makers are
# transportation). None = a name we know but that says too little about the employer to map: the company
# map and text rules decide instead. "Internet Publishing" is one: in these scrapes it labels job-board
# aggregators (Lensa) and small firms of every kind. No LinkedIn name maps to ai_ml: LinkedIn has no AI
# industry, and keywords never decide it here.
LINKEDIN_INDUSTRY: dict[str, str | None] = {
    # software_internet
    "Software Development": "software_internet", "Technology, Information and Internet": "software_internet",
    "Technology, Information and Media": "software_internet", "Information Services": "software_internet",
    "Data Infrastructure and Analytics": "software_internet",
    "IT System Custom Software Development": "software_internet",
    "IT System Data Services": "software_internet", "IT System Design Services": "software_internet",
    "Desktop Computing Software Products": "software_internet",
    "Social Networking Platforms": "software_internet", "Internet Publishing": None,
    # consulting (incl. IT services, staffing, HR, professional and research services)
    "IT Services and IT Consulting": "consulting", "Information Technology & Services": "consulting",
    "Staffing and Recruiting": "consulting", "Human Resources Services": "consulting",
    "Human Resources": "consulting", "Business Consulting and Services": "consulting",
    "Outsourcing and Offshoring Consulting": "consulting", "Professional Services": "consulting",
    "Accounting": "consulting", "Legal Services": "consulting", "Law Practice": "consulting",
    "Engineering Services": "consulting", "Design Services": "consulting", "Research Services": "consulting",
    "Research": "consulting", "Market Research": "consulting", "Translation and Localization": "consulting",
    "Administrative and Support Services": "consulting", "Government Relations Services": "consulting",
    "Executive Search Services": "consulting", "Executive Offices": None, "Office Administration": None,
    "Janitorial Services": None, "International Trade and Development": None, "Facilities Services": None,
    "Environmental Services": None,
    # finance (banks, insurance, investment)
    "Financial Services": "finance", "Banking": "finance", "Insurance": "finance",
    "Investment Banking": "finance", "Investment Management": "finance", "Capital Markets": "finance",
    "Venture Capital and Private Equity Principals": "finance",
    # healthcare (incl. biotech, pharma, medical devices)
    "Hospitals and Health Care": "healthcare", "Mental Health Care": "healthcare",
    "Medical Practices": "healthcare", "Public Health": "healthcare", "Biotechnology Research": "healthcare",
    "Biotechnology": "healthcare", "Pharmaceutical Manufacturing": "healthcare",
    "Medical Equipment Manufacturing": "healthcare", "Medical Device": "healthcare",
    "Veterinary Services": "healthcare",
    # education
    "Higher Education": "education", "Primary and Secondary Education": "education",
    "Education Administration Programs": "education", "E-Learning Providers": "education",
    "Education": "education", "Education Management": "education",
    "Professional Training and Coaching": "education",
    # government
    "Government Administration": "government", "Administration of Justice": "government",
    "Health and Human Services": "government",
    # nonprofit
    "Non-profit Organizations": "nonprofit", "Non-profit Organization Management": "nonprofit",
    "Civic and Social Organizations": "nonprofit", "Industry Associations": "nonprofit",
    # manufacturing (incl. hardware, electronics, semiconductors, chemicals, food)
    "Manufacturing": "manufacturing", "Computers and Electronics Manufacturing": "manufacturing",
    "Computer Hardware Manufacturing": "manufacturing", "Computer Networking Products": "manufacturing",
    "Semiconductor Manufacturing": "manufacturing", "Semiconductors": "manufacturing",
    "Automation Machinery Manufacturing": "manufacturing",
    "Industrial Machinery Manufacturing": "manufacturing", "Machinery Manufacturing": "manufacturing",
    "Food and Beverage Manufacturing": "manufacturing", "Beverage Manufacturing": "manufacturing",
    "Food & Beverages": "manufacturing",
    "Appliances, Electrical, and Electronics Manufacturing": "manufacturing",
    "Personal Care Product Manufacturing": "manufacturing", "Chemical Manufacturing": "manufacturing",
    "Robotics Engineering": "manufacturing", "Primary Metal Manufacturing": "manufacturing",
    "Consumer Electronics": "manufacturing",
    "Mechanical Or Industrial Engineering": "manufacturing", "Nanotechnology Research": "manufacturing",
    # security_defense (aerospace, defense, cybersecurity)
    "Defense and Space Manufacturing": "security_defense", "Defense & Space": "security_defense",
    "Aviation and Aerospace Component Manufacturing": "security_defense",
    "Aviation & Aerospace": "security_defense", "Computer and Network Security": "security_defense",
    "Data Security Software Products": "security_defense", "Security and Investigations": "security_defense",
    # media (incl. advertising, publishing, entertainment, games)
    "Advertising Services": "media", "Marketing Services": "media", "Entertainment Providers": "media",
    "Entertainment": "media", "Online Audio and Video Media": "media",
    "Broadcast Media Production and Distribution": "media", "Movies, Videos, and Sound": "media",
    "Book and Periodical Publishing": "media", "Computer Games": "media",
    "Gambling Facilities and Casinos": "media", "Spectator Sports": "media",
    "Public Relations and Communications Services": "media", "Graphic Design": "media",
    "Photography": "media",
    # energy (incl. utilities, oil and gas, mining, climate)
    "Oil and Gas": "energy", "Oil, Gas, and Mining": "energy", "Mining": "energy", "Utilities": "energy",
    "Renewable Energy Semiconductor Manufacturing": "energy",
    "Renewable Energy Equipment Manufacturing": "energy",
    "Climate Technology Product Manufacturing": "energy", "Climate Data and Analytics": "energy",
    "Renewable Energy Power Generation": "energy",
    # telecom
    "Telecommunications": "telecom", "Wireless Services": "telecom", "Computer Networking": "telecom",
    # transportation (incl. logistics, automotive)
    "Transportation, Logistics, Supply Chain and Storage": "transportation",
    "Truck Transportation": "transportation", "Freight and Package Transportation": "transportation",
    "Transportation/Trucking/Railroad": "transportation", "Ground Passenger Transportation": "transportation",
    "Airlines and Aviation": "transportation", "Motor Vehicle Manufacturing": "transportation",
    "Motor Vehicle Parts Manufacturing": "transportation", "Automotive": "transportation",
    "Railroad Equipment Manufacturing": "transportation",
    # real_estate (incl. construction)
    "Real Estate": "real_estate", "Leasing Non-residential Real Estate": "real_estate",
    "Real Estate and Equipment Rental Services": "real_estate", "Construction": "real_estate",
    "Residential Building Construction": "real_estate", "Civil Engineering": "real_estate",
    # e-commerce and retail
    "Internet Marketplace Platforms": "e-commerce", "Online and Mail Order Retail": "e-commerce",
    "Retail": "retail", "Retail Apparel and Fashion": "retail", "Retail Luxury Goods and Jewelry": "retail",
    "Retail Motor Vehicles": "retail", "Retail Health and Personal Care Products": "retail",
    "Retail Pharmacies": "retail", "Consumer Services": "retail", "Wholesale": "retail",
    "Wellness and Fitness Services": "retail", "Health, Wellness & Fitness": "retail",
    # travel_hospitality
    "Hospitality": "travel_hospitality", "Restaurants": "travel_hospitality",
    "Food and Beverage Services": "travel_hospitality", "Mobile Food Services": "travel_hospitality",
    "Travel Arrangements": "travel_hospitality",
}  # fmt: skip
_LINKEDIN_NAMES = sorted(LINKEDIN_INDUSTRY, key=len, reverse=True)  # longest first: "Retail Apparel…"
# Several industries are joined "A and B" or "A, B, and C" (and "A,B" in 2023 exports); names contain
# commas and "and" themselves ("Technology, Information and Internet"), so known names are matched, not
# split on separators.
_LINKEDIN_SEP = re.compile(r",?\s*and\s+|,\s*")


def linkedin_industries(value: str | None) -> list[str]:
    """The known LinkedIn industry names in ``value``, in the order given; stops at the first unknown
    name, since after it the separators cannot be told from the names."""
    text = html.unescape(value or "").strip()
    out: list[str] = []
    i = 0
    while i < len(text):
        for name in _LINKEDIN_NAMES:
            if not text.startswith(name, i):
                continue
            end = i + len(name)
            if end == len(text):
                out.append(name)
                return out
            sep = _LINKEDIN_SEP.match(text, end)
            if sep:
                out.append(name)
                i = sep.end()
                break
        else:
            return out
    return out


def from_linkedin(value: str | None) -> str | None:
    """A LinkedIn industry (or joined list of them) in our categories: the first listed name we map."""
    for name in linkedin_industries(value):
        if LINKEDIN_INDUSTRY[name]:
            return LINKEDIN_INDUSTRY[name]
    return None


# Keyword rules on the company's own description; weight 2 = decisive phrase, 1 = supporting word.
_RULES: dict[str, list[tuple[str, int]]] = {
    "healthcare": [
        (r"health ?care (?:company|startup|provider|platform|technology|software|system)|health ?tech|"
         r"digital health|\bhospitals?\b|\bclinics?\b|\bclinical\b|\bpatients?\b|\bbiotech|pharma|"
         r"drug discovery|therapeutics|medical (?:device|imaging|records)|\behr\b|telehealth|telemedicine|"
         r"genom\w+|bioinformatics|biology|antibod\w+|life sciences|mental health|physicians?|"
         r"diagnostics?", 2),
        (r"\bhealth\b|\bmedical\b|\bcare\b|wellness", 1),
    ],
    "finance": [
        (r"fintech|\bbank(?:s|ing)?\b|payments? (?:platform|company|infrastructure|processing)|\btrading\b|"
         r"hedge fund|asset management|\binsurance (?:company|carrier|startup|platform)|insurtech|"
         r"\blending\b|\bloans?\b|credit cards?|brokerage|crypto(?:currency)?|blockchain|\bdefi\b|"
         r"financial services|wealth management|accounting software|quantitative", 2),
        (r"financ\w+|payments?|investors?|\bmoney\b|\btax\b|invoic\w+", 1),
    ],
    "e-commerce": [
        (r"e-?commerce|online (?:store|shop|retail|marketplace)|\bmarketplace\b|shopping|"
         r"\bcheckout\b|merchants?|online retailer|direct[- ]to[- ]consumer|\bd2c\b|\bdtc\b", 2),
        (r"\bretail\b|\bshop\b|\bstores?\b|consumers?|delivery|groceries", 1),
    ],
    "ai_ml": [
        (r"(?:ai|artificial intelligence|machine learning|ml|llm|generative ai) "
         r"(?:company|startup|lab|platform|research)|foundation models?|large language models?|"
         r"\bagi\b|ai[- ]native|ai[- ]first|ai[- ]powered", 2),
        (r"\bai\b|machine learning|\bllms?\b|deep learning", 1),
    ],
    "education": [
        (r"edtech|education(?:al)? (?:company|platform|technology)|\bstudents?\b|\bteachers?\b|"
         r"\bschools?\b|\buniversity\b|\blearning platform|online courses?", 2),
        (r"\blearn(?:ing|ers)?\b|education|teach\w*", 1),
    ],
    "government": [
        (r"government agency|federal (?:agency|government)|public sector|\bgovtech\b|\bdepartment of\b|"
         r"\bcity of\b|\bstate of\b|\bmunicipal", 2),
        (r"government|\bpublic\b|\bcitizens?\b", 1),
    ],
    "energy": [
        (r"\benergy\b|\bsolar\b|\bbattery|batteries|\bgrid\b|utilit(?:y|ies)|\boil\b|\bgas\b|"
         r"renewables?|climate tech|carbon|\bev charging|electrification", 2),
        (r"climate|sustainab\w+|emissions", 1),
    ],
    "media": [
        (r"\bmedia (?:company|platform)|publish(?:er|ing)|\bnews\b|journalism|\bstreaming\b|"
         r"\bvideo games?|game studio|gaming|ad ?tech|advertising|\bmusic\b|entertainment|podcasts?", 2),
        (r"\bcontent\b|creators?|\bvideo\b|\bgames?\b|marketing", 1),
    ],
    "transportation": [
        (r"logistics|supply chain|freight|shipping|trucking|autonomous (?:vehicles?|driving)|"
         r"self-driving|\bmobility\b|ride-?sharing|automotive|\bfleet\b|aviation|airlines?", 2),
        (r"transport\w*|vehicles?|\bcars?\b|delivery", 1),
    ],
    "real_estate": [
        (r"real estate|proptech|property management|\bmortgages?\b|home ?buying|rental (?:platform|homes)|"
         r"construction (?:industry|tech|software)|housing", 2),
        (r"\bhomes?\b|property|properties|construction", 1),
    ],
    "security_defense": [
        (r"cyber ?security|\bsecurity (?:company|platform|startup)|\bdefen[cs]e\b|aerospace|"
         r"national security|satellites?|\bspace\b", 2),
        (r"security|threats?|\bmilitary\b", 1),
    ],
    "manufacturing": [
        (r"manufactur\w+|robotics|\brobots?\b|semiconductors?|hardware (?:company|startup)|factor(?:y|ies)|"
         r"industrial|3d print\w*|chips?\b", 2),
        (r"hardware|\bdevices?\b", 1),
    ],
    "telecom": [(r"telecom\w*|wireless carrier|\b5g\b|mobile network operator", 2), (r"network", 0)],
    "travel_hospitality": [
        (r"\btravel\b|hospitality|\bhotels?\b|restaurants?|vacation rentals?|tourism|booking", 2),
        (r"\btrips?\b|\bfood\b", 1),
    ],
    "consulting": [
        (r"consultancy|consulting (?:firm|company)|agency|staffing|recruiting firm|outsourc\w+|"
         r"software house|dev shop|professional services|it services", 2),
        (r"consult\w+|clients", 1),
    ],
    "software_internet": [
        (r"\bsaas\b|developer tools|devtools|b2b software|\bsoftware (?:company|platform|startup)|"
         r"open[- ]source|\bapi\b|cloud (?:platform|infrastructure)|\bdatabase|observability|"
         r"infrastructure software|enterprise software|productivity", 2),
        (r"\bplatform\b|\bsoftware\b|\bapps?\b|developers", 1),
    ],
}  # fmt: skip
_COMPILED = {industry: [(re.compile(p), w) for p, w in rules] for industry, rules in _RULES.items()}
# The same rules as literal gates (see ``LiteralGate``): a rule runs only on an opening that contains a
# literal its matches need, and only with its alternatives that can match there. A weight-0 rule adds
# nothing to a score, so it is not run at all.
_GATES = {
    industry: [(LiteralGate.of(pattern), weight) for pattern, weight in rules if weight]
    for industry, rules in _COMPILED.items()
}
# Benefits sections mention health insurance and 401k; they say nothing about the employer's industry.
_BENEFITS = re.compile(
    r"health(?:care)?,? (?:dental|vision|insurance|benefits|coverage|plan)|medical,? dental|"
    r"dental,? (?:and )?vision|health insurance|401\s?\(?k|\binsurance (?:plan|coverage|benefits)|"
    r"(?:paid|generous) (?:parental|family) leave",
    re.IGNORECASE,
)
_BENEFITS_GATE = LiteralGate.of(_BENEFITS, folded=True)
_CORP = re.compile(
    r"\s*(?:\((?:yc|ycombinator)[^)]*\)|,?\s*\b(?:inc|llc|ltd|gmbh|corp|corporation|co|plc|ag|sa|bv)\b\.?)\s*",
    re.IGNORECASE,
)
MIN_RULE_SCORE = 3


@lru_cache(maxsize=2)
def company_map(path: Path = COMPANY_MAP_PATH) -> dict[str, str]:
    """Company -> industry from ``company_industry.yaml``, read through the safe loader: a broken file is
    a ``ConfigFileError`` (also a ``ValueError``) naming its file and line."""
    from skillpulse.config_files import load_yaml, refuse, schema_problems

    hint = "Fix the company map at the lines above (values are industries from extractors/industry.py)."
    doc = load_yaml(Path(path), hint, empty="list companies under 'companies:'")
    schema = {
        "type": "object",
        "additionalProperties": False,
        "properties": {"companies": {"type": "object", "additionalProperties": {"enum": list(INDUSTRIES)}}},
    }
    problems = schema_problems(doc, schema)
    if problems:
        refuse(problems, hint)
    return {normalise_company(name): industry for name, industry in (doc.data.get("companies") or {}).items()}


def normalise_company(name: str | None) -> str:
    """ "Checkr (YC S14)" → "checkr"; "Healthfirst, Inc." → "healthfirst"."""
    if not name:
        return ""
    name = re.sub(r"https?://\S+|www\.", "", name)
    name = _CORP.sub(" ", name)
    name = re.sub(r"\.(?:com|io|ai|co|net|org|dev|app)\b", "", name, flags=re.IGNORECASE)
    return re.sub(r"[^\w&+.]+", " ", name.lower()).strip()


def from_source(attributes: dict | None) -> str | None:
    """Glassdoor's industry, else its sector, else a LinkedIn industry name, mapped to our categories.

    Glassdoor is tried first so its rows map exactly as before; LinkedIn names only answer when the
    industry is not a Glassdoor one.
    """
    attrs = attributes if isinstance(attributes, dict) else {}
    industry, sector = attrs.get("industry"), attrs.get("sector")
    industry = industry if isinstance(industry, str) else None  # a list or an object names no industry
    if industry in GLASSDOOR_INDUSTRY:
        return GLASSDOOR_INDUSTRY[industry]
    if isinstance(sector, str) and sector in GLASSDOOR_SECTOR:
        return GLASSDOOR_SECTOR[sector]
    return from_linkedin(industry) if industry else None


def _opening(text: str, limit: int) -> str:
    """The lower-cased opening the rules read, benefits sentences blanked out (the benefits pattern runs
    only with its alternatives whose literals occur: see ``LiteralGate``)."""
    opening = text[:limit].lower()  # patterns are lower case: faster than IGNORECASE
    benefits = _BENEFITS_GATE.narrow(fold_for_literals(opening))
    return benefits.sub(" ", opening) if benefits is not None else opening


def from_text(text: str | None, limit: int = 1200) -> str | None:
    """Best-scoring industry in the company's self-description (the text's opening), if it clears a bar."""
    if not text:
        return None
    opening = _opening(text, limit)
    scores: dict[str, int] = {}
    for industry, rules in _GATES.items():
        score = 0
        for gate, weight in rules:
            pattern = gate.narrow(opening)
            if pattern is not None:
                score += weight * min(len(pattern.findall(opening)), 3)
        if score:
            scores[industry] = score
    if not scores:
        return None
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] >= MIN_RULE_SCORE else None


def classify_industry(company: str | None, attributes: dict | None = None, text: str | None = None) -> str:
    """Source industry, else the company map, else keyword rules on the text, else "unknown"."""
    found = from_source(attributes)
    if found:
        return found
    key = normalise_company(company)
    if key and key in company_map():
        return company_map()[key]
    return from_text(text) or "unknown"
