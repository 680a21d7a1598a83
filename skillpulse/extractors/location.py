"""Where a job is (ISO 3166 alpha-2 countries, first city) and how it is worked (remote/hybrid/onsite).

Only places named as the job's location count: a source's location field, an HN header segment or a
"Location:" line, never every place a description mentions (offices, customers, investors). Regions
("EU", "US time zones", "worldwide") name no country for themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from skillpulse.extractors.regex_literals import LiteralGate, fold_for_literals

COUNTRIES: dict[str, str] = {
    "united states": "US", "united states of america": "US", "usa": "US", "u.s.": "US", "u.s.a.": "US",
    "united kingdom": "GB", "uk": "GB", "u.k.": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB", "great britain": "GB", "britain": "GB", "canada": "CA",
    "germany": "DE", "deutschland": "DE", "france": "FR", "netherlands": "NL", "the netherlands": "NL",
    "holland": "NL", "spain": "ES", "portugal": "PT", "italy": "IT", "ireland": "IE", "sweden": "SE",
    "norway": "NO", "denmark": "DK", "finland": "FI", "iceland": "IS", "switzerland": "CH", "austria": "AT",
    "belgium": "BE", "luxembourg": "LU", "poland": "PL", "czech republic": "CZ", "czechia": "CZ",
    "slovakia": "SK", "hungary": "HU", "romania": "RO", "bulgaria": "BG", "greece": "GR", "croatia": "HR",
    "serbia": "RS", "slovenia": "SI", "estonia": "EE", "latvia": "LV", "lithuania": "LT", "ukraine": "UA",
    "russia": "RU", "turkey": "TR", "israel": "IL", "india": "IN", "pakistan": "PK", "bangladesh": "BD",
    "sri lanka": "LK", "china": "CN", "hong kong": "HK", "taiwan": "TW", "japan": "JP", "south korea": "KR",
    "korea": "KR", "singapore": "SG", "malaysia": "MY", "thailand": "TH", "vietnam": "VN", "indonesia": "ID",
    "philippines": "PH", "australia": "AU", "new zealand": "NZ", "brazil": "BR", "mexico": "MX",
    "argentina": "AR", "chile": "CL", "colombia": "CO", "peru": "PE", "uruguay": "UY", "costa rica": "CR",
    "south africa": "ZA", "nigeria": "NG", "kenya": "KE", "egypt": "EG", "morocco": "MA",
    "united arab emirates": "AE", "uae": "AE", "saudi arabia": "SA", "qatar": "QA", "cyprus": "CY",
    "malta": "MT", "armenia": "AM", "georgia (country)": "GE",
}  # fmt: skip
# Upper-case codes written as countries in headers ("Remote (US)", "London, UK", "Berlin, DE").
CODES: dict[str, str] = {
    "US": "US", "USA": "US", "UK": "GB", "GB": "GB", "DE": "DE", "FR": "FR", "NL": "NL", "ES": "ES",
    "PT": "PT", "IE": "IE", "SE": "SE", "CH": "CH", "AT": "AT", "BE": "BE", "PL": "PL", "IN": "IN",
    "AU": "AU", "NZ": "NZ", "JP": "JP", "SG": "SG", "BR": "BR", "MX": "MX", "IL": "IL", "DK": "DK",
    "NO": "NO", "FI": "FI", "IT": "IT", "CZ": "CZ", "UAE": "AE", "CAN": "CA",
}  # fmt: skip
US_STATES: dict[str, str] = {
    "AL": "alabama", "AK": "alaska", "AZ": "arizona", "AR": "arkansas", "CA": "california", "CO": "colorado",
    "CT": "connecticut", "DE": "delaware", "FL": "florida", "GA": "georgia", "HI": "hawaii", "ID": "idaho",
    "IL": "illinois", "IN": "indiana", "IA": "iowa", "KS": "kansas", "KY": "kentucky", "LA": "louisiana",
    "ME": "maine", "MD": "maryland", "MA": "massachusetts", "MI": "michigan", "MN": "minnesota",
    "MS": "mississippi", "MO": "missouri", "MT": "montana", "NE": "nebraska", "NV": "nevada",
    "NH": "new hampshire", "NJ": "new jersey", "NM": "new mexico", "NY": "new york", "NC": "north carolina",
    "ND": "north dakota", "OH": "ohio", "OK": "oklahoma", "OR": "oregon", "PA": "pennsylvania",
    "RI": "rhode island", "SC": "south carolina", "SD": "south dakota", "TN": "tennessee", "TX": "texas",
    "UT": "utah", "VT": "vermont", "VA": "virginia", "WA": "washington", "WV": "west virginia",
    "WI": "wisconsin", "WY": "wyoming", "DC": "district of columbia",
}  # fmt: skip
CA_PROVINCES = {"ON", "BC", "QC", "AB", "MB", "NS", "NB", "SK", "PE", "NL"}
CA_PROVINCE_NAMES = {"ontario", "british columbia", "quebec", "québec", "alberta", "manitoba", "nova scotia"}
CITIES: dict[str, str] = {
    "new york": "US", "new york city": "US", "nyc": "US", "manhattan": "US", "brooklyn": "US",
    "san francisco": "US", "sf": "US", "bay area": "US", "sf bay area": "US", "sf bay": "US",
    "san francisco bay": "US", "sfbay": "US", "silicon valley": "US",
    "palo alto": "US", "mountain view": "US", "menlo park": "US", "sunnyvale": "US", "san jose": "US",
    "redwood city": "US", "san mateo": "US", "oakland": "US", "berkeley": "US", "santa clara": "US",
    "los angeles": "US", "la": "US", "santa monica": "US", "san diego": "US", "seattle": "US",
    "bellevue": "US", "redmond": "US", "boston": "US", "somerville": "US", "chicago": "US", "austin": "US",
    "dallas": "US", "houston": "US", "denver": "US", "boulder": "US", "atlanta": "US", "miami": "US",
    "washington dc": "US", "washington, dc": "US", "d.c.": "US", "philadelphia": "US", "pittsburgh": "US",
    "portland": "US", "salt lake city": "US", "phoenix": "US", "minneapolis": "US", "detroit": "US",
    "nashville": "US", "raleigh": "US", "durham": "US", "baltimore": "US", "st. louis": "US",
    "london": "GB", "manchester": "GB", "edinburgh": "GB", "bristol": "GB", "oxford": "GB",
    "glasgow": "GB", "leeds": "GB", "berlin": "DE", "munich": "DE", "münchen": "DE", "hamburg": "DE",
    "frankfurt": "DE", "cologne": "DE", "köln": "DE", "stuttgart": "DE", "paris": "FR", "lyon": "FR",
    "amsterdam": "NL", "rotterdam": "NL", "utrecht": "NL", "the hague": "NL", "eindhoven": "NL",
    "dublin": "IE", "barcelona": "ES", "madrid": "ES", "lisbon": "PT", "porto": "PT", "milan": "IT",
    "rome": "IT", "zurich": "CH", "zürich": "CH", "geneva": "CH", "lausanne": "CH", "vienna": "AT",
    "stockholm": "SE", "gothenburg": "SE", "copenhagen": "DK", "oslo": "NO", "helsinki": "FI",
    "brussels": "BE", "warsaw": "PL", "krakow": "PL", "kraków": "PL", "prague": "CZ", "budapest": "HU",
    "bucharest": "RO", "sofia": "BG", "athens": "GR", "tallinn": "EE", "riga": "LV", "vilnius": "LT",
    "kyiv": "UA", "kiev": "UA", "tel aviv": "IL", "jerusalem": "IL", "toronto": "CA", "vancouver": "CA",
    "montreal": "CA", "montréal": "CA", "ottawa": "CA", "waterloo": "CA", "calgary": "CA", "bangalore": "IN",
    "bengaluru": "IN", "mumbai": "IN", "pune": "IN", "hyderabad": "IN", "delhi": "IN", "new delhi": "IN",
    "chennai": "IN", "gurgaon": "IN", "noida": "IN", "tokyo": "JP", "osaka": "JP", "seoul": "KR",
    "beijing": "CN", "shanghai": "CN", "shenzhen": "CN", "taipei": "TW", "sydney": "AU",
    "melbourne": "AU", "brisbane": "AU", "auckland": "NZ", "wellington": "NZ", "são paulo": "BR",
    "sao paulo": "BR", "mexico city": "MX", "buenos aires": "AR", "bogota": "CO", "bogotá": "CO",
    "cape town": "ZA", "lagos": "NG", "nairobi": "KE", "dubai": "AE", "kuala lumpur": "MY", "bangkok": "TH",
    "ho chi minh city": "VN", "jakarta": "ID", "manila": "PH",
}  # fmt: skip

_REGION_PHRASES = re.compile(
    r"\b(?:us|u\.s\.|eu|uk|european|american|north american|est|pst|cet|gmt|utc)[\s/-]*"
    r"(?:time[\s-]?zones?|timezones?|tz|hours|business hours|overlap|friendly)\b"
    r"|\b[+±-]\s?\d\s?(?:hours?|h)\b",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"\s*(?:,|/|;|\||\(|\)|\[|\]|•|·|\bor\b|\band\b|&|\s[-–—]\s|:|\+)\s*", re.IGNORECASE)
_LOCATION_LINE = re.compile(
    r"^\s*(?:location|locations|based in|office|where)\s*:\s*(.{2,160})$", re.I | re.M
)

REMOTE_MODES = ("remote", "hybrid", "onsite", "mixed", "unknown")
_REMOTE = re.compile(
    r"(?<!no )(?<!not )\b(?:remote(?!\s*sensing)|wfh|work from home|work from anywhere|distributed team|"
    r"fully distributed|anywhere in the world)\b",
    re.IGNORECASE,
)
_ONSITE = re.compile(
    r"\b(?:on-?site|onsite only|in[- ]office|in[- ]person|office[- ]based|no remote|not remote|"
    r"remote (?:is )?not (?:possible|available|an option))\b",
    re.IGNORECASE,
)
_HYBRID = re.compile(
    r"\b(?:hybrid|partially remote|partly remote|"
    r"(?:on-?site|in[- ]office|in[- ]person)\W{0,3}\(?\d(?:-\d)? ?days?|"
    r"\d(?:-\d)? ?days?(?: a| per|/) ?(?:week|wk) (?:on-?site|in[- ]office|in[- ]person)|"
    r"\d(?:-\d)? days? (?:a|per|/) ?week (?:in|at) (?:the |our )?(?:office|hq)|"
    r"(?:in|at) (?:the |our )?office \d(?:-\d)? days?)\b",
    re.IGNORECASE,
)
_STRONG_REMOTE = re.compile(
    r"\b(?:fully remote|100% remote|remote[- ]first|remote[- ]only|this (?:is a|role is) remote|"
    r"remote position|remote role|work from anywhere|remote \((?:us|eu|uk|worldwide|global)[^)]*\))",
    re.IGNORECASE,
)
_STRONG_ONSITE = re.compile(
    r"\b(?:onsite only|on-site only|no remote|not a remote|remote is not|in[- ]office \d days|"
    r"this (?:is an|role is) (?:on-?site|in[- ]office))\b",
    re.IGNORECASE,
)


# The body is read only for these phrases, and most bodies contain none of the literals they need (see
# ``LiteralGate``): a literal test on the folded body replaces a regex pass over 20,000 characters.
_STRONG_REMOTE_GATE = LiteralGate.of(_STRONG_REMOTE, folded=True)
_STRONG_ONSITE_GATE = LiteralGate.of(_STRONG_ONSITE, folded=True)
_HYBRID_GATE = LiteralGate.of(_HYBRID, folded=True)


def _body_has(gate: LiteralGate, body: str, folded: str) -> bool:
    """``gate.pattern.search(body)``, skipped when ``folded`` (the body folded) lacks its literals."""
    pattern = gate.narrow(folded)
    return pattern is not None and pattern.search(body) is not None


@dataclass
class Place:
    countries: list[str] = field(default_factory=list)
    city: str | None = None


def _tokens(text: str) -> list[str]:
    text = _REGION_PHRASES.sub(" ", text)
    return [t.strip(" .!*\"'") for t in _SPLIT.split(text) if t and t.strip(" .!*\"'")]


def parse_place(text: str | None) -> Place:
    """Countries and first city named in one location string ("San Jose, CA", "NYC or REMOTE (US)")."""
    place = Place()
    if not text:
        return place
    tokens = []
    for tok in _tokens(text):
        m = _CITY_STATE.match(tok)  # "Austin TX", "Albuquerque NM": no comma
        tokens.extend([m.group(1), m.group(2)] if m else [tok])
    found: list[str] = []
    for i, raw_tok in enumerate(tokens):
        tok = raw_tok
        country = _lookup_country(tokens, i, tok)
        city = _lookup_city(tokens, i, tok)
        if country is None and city is None:
            tok = _NOISE.sub("", raw_tok).strip(" -.")
            if tok and tok != raw_tok:
                country = _lookup_country(tokens, i, tok)
                city = _lookup_city(tokens, i, tok)
        if city:
            place.city = place.city or city[0]
            country = country or city[1]
        if country and country not in found:
            found.append(country)
    place.countries = found
    return place


_NOISE = re.compile(
    r"\b(?:only|remote|based|preferred|hybrid|on-?site|full[- ]?time|part[- ]?time|office|hq|in|near|"
    r"from|anywhere|within|greater|metro|downtown|visa|ok|area|region|with|at|our|the|e\.g|south|north|"
    r"east|west|central|northern|southern)\b",
    re.IGNORECASE,
)
_CITY_STATE = re.compile(r"^([A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,2}) ([A-Z]{2})$")
_STATE_NAMES = {v for v in US_STATES.values() if v not in ("georgia", "washington", "new york")}


def _qualifier(tok: str) -> bool:
    return tok in US_STATES or tok in CA_PROVINCES or tok in CODES or tok.lower() in COUNTRIES


def _lookup_country(tokens: list[str], i: int, tok: str) -> str | None:
    low = tok.lower()
    prev = tokens[i - 1] if i > 0 else ""
    if tok == "CA" and prev in CA_PROVINCES:
        return "CA"
    if tok in CODES:
        return None if (tok == "IN" and i == 0) else CODES[tok]
    if tok in US_STATES and i > 0:
        return "US"  # "Albuquerque, NM": a state code after a place
    if tok in CA_PROVINCES and i > 0:
        return "CA"
    if low in COUNTRIES:
        return COUNTRIES[low]
    if low in CA_PROVINCE_NAMES:
        return "CA"
    if low in _STATE_NAMES:
        return "US"
    return None


def _lookup_city(tokens: list[str], i: int, tok: str) -> tuple[str, str | None] | None:
    """(city, its country unless the next token qualifies it, as in "London, ON")."""
    low = tok.lower()
    nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
    if low in CITIES:
        return tok, (None if _qualifier(nxt) else CITIES[low])
    if _NOISE.fullmatch(tok):
        return None
    if (nxt in US_STATES or nxt in CA_PROVINCES) and re.fullmatch(
        r"[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,2}", tok
    ):
        return tok, None
    return None


def location_strings(
    locations: list[str] | None, header_segments: list[str] | None, text: str | None
) -> list[str]:
    """The strings that name the job's location: source fields, header segments, "Location:" lines."""
    out = [str(x) for x in (locations or []) if x]
    out += header_segments or []
    out += [m.group(1) for m in _LOCATION_LINE.finditer((text or "")[:5000])]
    return out


def countries_and_city(strings: list[str]) -> Place:
    place = Place()
    for s in strings:
        p = parse_place(s)
        for c in p.countries:
            if c not in place.countries:
                place.countries.append(c)
        place.city = place.city or p.city
    return place


def remote_mode(header: str, body: str | None = None, remote_flag: bool | None = None) -> str:
    """remote | hybrid | onsite | mixed (the posting offers more than one) | unknown.

    ``header`` is text that describes the job's terms (location fields, an HN header line) and is read
    for any remote/onsite word; ``body`` only for unambiguous phrases ("fully remote", "no remote").
    """
    header, body = header or "", (body or "")[:20_000]
    folded = fold_for_literals(body)
    strong_remote = _body_has(_STRONG_REMOTE_GATE, body, folded)
    remote = bool(_REMOTE.search(header)) or strong_remote
    onsite = bool(_ONSITE.search(header)) or _body_has(_STRONG_ONSITE_GATE, body, folded)
    opening = body[:3000]
    hybrid = bool(_HYBRID.search(header)) or _body_has(_HYBRID_GATE, opening, fold_for_literals(opening))
    if re.search(r"\bno remote\b|\bnot remote\b", header, re.IGNORECASE):
        remote = strong_remote
    if remote_flag is True and not (hybrid or onsite):
        remote = True
    if remote_flag is False and not (remote or hybrid):
        onsite = True
    if hybrid:
        return "mixed" if remote else "hybrid"
    if remote and onsite:
        return "mixed"
    if remote:
        return "remote"
    if onsite:
        return "onsite"
    return "unknown"
