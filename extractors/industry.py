"""Industry of the hiring company: from the source (Glassdoor industry/sector), else a company map, else
keyword rules on the company's own description (an HN comment's opening paragraph), else "unknown".

Categories are coarse on purpose: the guide's claims name healthcare, finance and e-commerce, so those
must exist and be reliable; biotech and pharma fold into healthcare and insurance into finance
(documented here so a report can say what "healthcare" counts).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

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
COMPANY_MAP_PATH = Path(__file__).resolve().parent.parent / "data" / "company_industry.yaml"

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
# Benefits sections mention health insurance and 401k; they say nothing about the employer's industry.
_BENEFITS = re.compile(
    r"health(?:care)?,? (?:dental|vision|insurance|benefits|coverage|plan)|medical,? dental|"
    r"dental,? (?:and )?vision|health insurance|401\s?\(?k|\binsurance (?:plan|coverage|benefits)|"
    r"(?:paid|generous) (?:parental|family) leave",
    re.IGNORECASE,
)
_CORP = re.compile(
    r"\s*(?:\((?:yc|ycombinator)[^)]*\)|,?\s*\b(?:inc|llc|ltd|gmbh|corp|corporation|co|plc|ag|sa|bv)\b\.?)\s*",
    re.IGNORECASE,
)
MIN_RULE_SCORE = 3


@lru_cache(maxsize=2)
def company_map(path: Path = COMPANY_MAP_PATH) -> dict[str, str]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    out = {}
    for name, industry in (data.get("companies") or {}).items():
        if industry not in INDUSTRIES:
            raise ValueError(f"{path}: {name!r} maps to unknown industry {industry!r}")
        out[normalise_company(str(name))] = industry
    return out


def normalise_company(name: str | None) -> str:
    """ "Checkr (YC S14)" → "checkr"; "Healthfirst, Inc." → "healthfirst"."""
    if not name:
        return ""
    name = re.sub(r"https?://\S+|www\.", "", name)
    name = _CORP.sub(" ", name)
    name = re.sub(r"\.(?:com|io|ai|co|net|org|dev|app)\b", "", name, flags=re.IGNORECASE)
    return re.sub(r"[^\w&+.]+", " ", name.lower()).strip()


def from_source(attributes: dict | None) -> str | None:
    """Glassdoor's industry, else its sector, mapped to our categories."""
    attrs = attributes or {}
    if attrs.get("industry") in GLASSDOOR_INDUSTRY:
        return GLASSDOOR_INDUSTRY[attrs["industry"]]
    if attrs.get("sector") in GLASSDOOR_SECTOR:
        return GLASSDOOR_SECTOR[attrs["sector"]]
    return None


def from_text(text: str | None, limit: int = 1200) -> str | None:
    """Best-scoring industry in the company's self-description (the text's opening), if it clears a bar."""
    if not text:
        return None
    opening = _BENEFITS.sub(" ", text[:limit].lower())  # patterns are lower case: faster than IGNORECASE
    scores: dict[str, int] = {}
    for industry, rules in _COMPILED.items():
        score = 0
        for pattern, weight in rules:
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
