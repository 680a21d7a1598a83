"""Enrichment's fast paths give exactly the results of the plain regexes they stand in for.

Each shortcut in industry, roles, salary and location only skips regex work that cannot find anything:
literal prefilters (``required_literals``, ``LiteralGate``), the folding they look literals up in, the
reduced alternations ``LiteralGate.narrow`` returns, ``LeadScanner`` for salary amounts and the memo in
``RoleRules.find``. These tests compare each with the plain regex (or with the code as it was before the
shortcuts, copied below as ``_reference_*``) on real text: snippets copied from stored postings and the
bundled hn_2026 snapshot, plus made-up edge cases. Any skipped match shows up as a different count.
"""

from __future__ import annotations

import gzip
import json
import random
import re
from functools import cache
from pathlib import Path

import pytest

import skillpulse
from skillpulse.extractors import industry, location, salary
from skillpulse.extractors.html import to_text
from skillpulse.extractors.regex_literals import (
    _RE_ALIASES,
    LeadScanner,
    LiteralGate,
    _case_variants,
    fold_for_literals,
    required_literals,
    top_level_alternatives,
)
from skillpulse.extractors.roles import RoleRules, default_rules, header_segments, hn_header, load_roles

SNAPSHOT = Path(skillpulse.__file__).parent / "data" / "snapshot" / "hn_2026"


@cache
def snapshot_texts() -> tuple[str, ...]:
    """The 2,186 real HN comments of the bundled hn_2026 snapshot, as enrichment reads them."""
    texts = []
    for path in sorted(SNAPSHOT.glob("raw_*.json.gz")):
        for job in json.loads(gzip.decompress(path.read_bytes()))["jobs"]:
            text = to_text((job.get("text") or "").strip(), is_html=True)
            if text:
                texts.append(text)
    return tuple(texts)


def _counts(text: str) -> list[int]:
    """Matches of every industry rule in ``text``, through its gate (0 when the gate skips it)."""
    out = []
    for rules in industry._GATES.values():
        for gate, _weight in rules:
            pattern = gate.narrow(text)
            out.append(len(pattern.findall(text)) if pattern is not None else 0)
    return out


def _plain_counts(text: str) -> list[int]:
    return [len(p.findall(text)) for rules in industry._COMPILED.values() for p, w in rules if w]


# -- the code as it was before the shortcuts ------------------------------------------------------------
def _reference_from_text(text: str | None, limit: int = 1200) -> str | None:
    if not text:
        return None
    opening = industry._BENEFITS.sub(" ", text[:limit].lower())
    scores: dict[str, int] = {}
    for name, rules in industry._COMPILED.items():
        score = 0
        for pattern, weight in rules:
            score += weight * min(len(pattern.findall(opening)), 3)
        if score:
            scores[name] = score
    if not scores:
        return None
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] >= industry.MIN_RULE_SCORE else None


def _reference_find(rules: RoleRules, text: str) -> list[str]:
    if not text:
        return []
    taken: list[tuple[int, int]] = []
    found: list[str] = []
    for rule in rules.rules:
        if rule.fallback:
            continue
        for pattern in rule.patterns:
            for m in pattern.finditer(text):
                span = (m.start(), m.end())
                if span[0] == span[1] or any(span[0] < e and s < span[1] for s, e in taken):
                    continue
                taken.append(span)
                for family in (rule.family, *rule.also):
                    if family not in found:
                        found.append(family)
    if not found:
        for rule in rules.rules:
            if rule.fallback and any(p.search(text) for p in rule.patterns):
                found.append(rule.family)
                break
    return found


def _reference_remote_mode(header: str, body: str | None = None, remote_flag: bool | None = None) -> str:
    L = location
    header, body = header or "", (body or "")[:20_000]
    remote = bool(L._REMOTE.search(header)) or bool(L._STRONG_REMOTE.search(body))
    onsite = bool(L._ONSITE.search(header)) or bool(L._STRONG_ONSITE.search(body))
    hybrid = bool(L._HYBRID.search(header)) or bool(L._HYBRID.search(body[:3000]))
    if re.search(r"\bno remote\b|\bnot remote\b", header, re.IGNORECASE):
        remote = bool(L._STRONG_REMOTE.search(body))
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


def _amounts(matches: object) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    return [(m.span(), m.groupdict()) for m in matches]  # type: ignore[attr-defined]


# Real snippets (lower-cased opening, benefits removed, as from_text reads them) from postings in the
# store, one for every top-level alternative of every industry rule, keyed industry/weight. The one
# alternative no stored opening contains ("wireless carrier") has a made-up snippet.
INDUSTRY_SNIPPETS: dict[str, list[str]] = {
    "healthcare/2": [
        "company\nour client is a leading us healthcare company, with offices in dublin city centre",
        "engineer here. we are mid-sized health tech company with ~5 glassdoor rating",
        "goal of creating high-quality digital health, wellness, and ai programs globally",
        "knowledge used by thousands of hospitals; the majority of u.s.  s, retail",
        "we run a virtual primary care clinic and leverage machine learning",
        "the world. we’re looking for a clinical ",
        "with an outsized opportunity for patients in need. we are seeking collaborative",
        "synthego | biotech | redwood city, ca | onsite |",
        "the majority of u.s.  s, retail pharmacies, and pharmacy benefit managers",
        "reverie labs, we’re rethinking drug discovery by building a biotech company",
        "biomedicines is a new kind of therapeutics company – existing at the intersection",
        "technology team that’s turning drug and medical device data into knowledge used by thousands",
        "one of the top behavioral health ehr providers in the country, qualifacts",
        "end-to-end healthcare platform (telehealth + labs + pharmacy) used by 2m",
        "we are now one of the leading telemedicine providers in the country and are",
        "codex is a platform for microbial genomics. we are a technical, experienced",
        "d3 visualizations to low-level bioinformatics algorithms.\nchallenges include",
        "medicine – pioneering generative biology™ to create breakthrough medicines",
        "quantitatively characterizing proteins (antibodies) with 1000x more throughput than",
        "hong kong | onsite\ngrail is a life sciences company whose mission is to detect",
        "we believe that mental health is just as important as physical",
        "of care delivered. founded by physicians in 2020, our proprietary ai platform",
        "making. focused on descriptive and diagnostic analytics to answer questions",
    ],
    "healthcare/1": [
        "include catered lunches, full health/vision/dental insurance, retirement",
        "change how people receive vital medical feedback on their smartphone.",
        "support of a variety of health care innovation projects for the department",
        "expensed whoop, meaningful health and wellness budget, and top-tier insurance",
    ],
    "finance/2": [
        "leading financial services and fintech companies—stripe, affir",
        "earnest: we're building the modern bank for the next generation. our two",
        "- generating print material\n- payment processing\n- user analytics (for our customers",
        "technology, including custom apis, trading systems, and data science, to",
        "and manage private equity and hedge funds.\nroles:\n\n* director of backend",
        "investing business of point72 asset management. we deploy systematic, computer",
        "malaysia, bjak is the largest insurance platform in southeast asia, helping millions",
        "funded (a16z) close-knit seed stage insurtech - building next-gen enterprise",
        "a mission to reinvent consumer lending by intelligently granting credit",
        "business managing $110+ billion in loans. this wasn't the end goal, it",
        "class user experience to build a credit card experience that fixes long-standing",
        "work on gdax (exchange platform), brokerage, risk and growth, api, infrastructure",
        "language theory, and zero-knowledge cryptography. all our work is open-source",
        "on-chain liquidity across major blockchains for best price same-chain and",
        "fi is simplifying multi-chain defi for traditional financial institutions",
        "talented leaders from leading financial services and fintech companies—stripe,",
        "about savvy:\n\nwealth management is a $545 billion industry in",
        "a modern alternative to legacy accounting software and mid-market erps. founded in",
        "data (and small data!). we do quantitative analysis, machine learning, plus",
    ],
    "finance/1": [
        "generation infrastructure for finance. check out our careers page[1",
        "- generating print material\n- payment processing\n- user analytics (for",
        "by $250+ million from top-tier investors like andreessen horowitz, nea",
        "change the way people talk about money. we need strong javascript engineers",
        "revenue from game sales, rather than tax dollars, the virginia lottery",
        "problems ranging from how we bill and invoice our members, to developing a social",
    ],
    "e-commerce/2": [
        "our platform for advertising on ecommerce web sites.\n\nwe crawl through giant",
        "devops engineer\nproduct: we connect online shops to all big online marketing channels",
        "software and services that empower marketplace monetization through commerce",
        "mission to enhance the consumers' shopping experience and give brick and",
        "would be an asset. experience with checkout and payment systems and related",
        "grocery, alcohol, pick-up and more. merchants across all categories have also",
        "and australia’s largest pureplay online retailer.\nour software engineering team",
        "of care - private, public, and direct to consumer - we create the most member-centric",
        "operating system for international d2c brands going into china, managing",
        "supply chain intelligence across dtc, wholesale, marketplaces, and",
    ],
    "e-commerce/1": [
        "newstore, we’re building a mobile retail platform that allows enables rapid",
        "technology.\nstack-wise, we are a python shop (scikit-learn, tensorflow, flask",
        "retailers, helping them solve their in-store execution needs. we were founded",
        "we are on a mission to reinvent consumer lending by intelligently granting",
        " reduce costs, and accelerate delivery on mission-critical programs.",
        "products for their immediate (today's groceries) and long-term (retirement investments",
    ],
    "ai_ml/2": [
        "we’re racing to be the default ai platform for them.\n\nabout the role\n\nwe",
        "ocuses on foundation models, big data",
        "networks, ml algorithm development\n* large language models (openai, lamda, stablelm, llama",
        " we're pioneering open-source agi, liberating ai development from",
        "company\n\nvalon is building the ai-native operating system for regulated",
        "ai-driven innovation\n\nleading ai-first transformations of support workflows",
        "who partner with savvy tap into ai-powered software, automated sales and",
    ],
    "ai_ml/1": [
        "to accelerate the progress of ai applications out into the real",
        "ecosystem of libraries for scalable machine learning. companies like openai , uber",
        "and amazon engineers, stanford llm researchers, etc.) and initially",
        "like to build the world's best deep learning cloud, join us.\n\n*note: this position",
    ],
    "education/2": [
        "medtech exchange, inc. -- atlanta, ga",
        "an accessible, robust financial education platform. we have an inclusive culture",
        "area!\n\nbcba or bcaba practicum students are highly encouraged to apply",
        "being an individual contributor, a teacher, and an occasional foil\n* have",
        "home setting (client home) and school-based\n\njob description\n\nfinni",
        "technologies. react / redux / node.js. a university degree in computer science, software",
        "help build our next generation e­learning platform.\n\njoin our team from wherever",
        "universities and companies to run online courses. see edx.org, class.stanford.edu",
    ],
    "education/1": [
        "two weeks upfront where you can learn and explore kubernetes.\nlocation",
        "technology to improve access to higher education\nthe department: you'll join a",
        "opinionated front-end ui/ux expert.\n- teach us how it's done. we're backend",
    ],
    "government/2": [
        "000 financial institutions and government agency customers later, baselayer is",
        "other parts of the military and federal government by providing independent engineering",
        "products that democratize access to public sector data and put it into people’s",
        "america, and are supported by the govtech fund.\nwe have started with the",
        "care innovation projects for the department of veterans affairs.\n\nthe data scientist",
        "he decided to bet right on the city of guadalajara to start building",
        "neural networks and implementing state of the art deep learning research",
        "and london. over 300 cities and municipalities in 18+ countries use our",
    ],
    "government/1": [
        "citizens, journalists, organizations, governments, and others gather, manage, analyze",
        "developer evangelist. you’ll be the public face of sigopt by writing blogs",
        "building open source tools to help citizens, journalists, organizations, governments",
    ],
    "energy/2": [
        "role\n\npopl is looking for a high-energy, early-career sales development",
        "robots that build large-scale solar farms.\ncheck out a video of our",
        "design and integration for solar + battery storage projects across the us",
        "3rd-party sensors, transmission, batteries, lights, controls, suspension",
        "crucial part of switching the grid over to renewable generation.",
        "retail to financial services, utilities and media.\nwe build modern data",
        "msrc is the largest, dedicated oil spill and emergency response organization",
        "client is a giant in the oil & gas industry and is looking for an",
        "exnaton, we build software for renewable energy communities and energy",
        "exnaton (climate tech) | fullstack developer | remote",
        "on a mission to build net-zero carbon housing for all, at massive scale",
        "evolving from providing ultrafast ev charging services to a full suite of energy",
        "today and into the new era of electrification.\n* ford pro – platform engineer",
    ],
    "energy/1": [
        "exnaton (climate tech) | fullstack developer |",
        "more accessible, affordable, and sustainable across asean. headquartered in",
        "affordable tech with 92% less carbon emissions than new.\n\nyep, you read that",
    ],
    "media/2": [
        "facebook, snapchat, and other social media platforms.\n\nwe are excited to welcome someone",
        "great messaging tools for all publishers. over the last three years, we",
        "investors verify founders hacker news bookface safe find a co-founder",
        "bottom-up approach will democratize journalism and enable everyone to publish",
        "sources (databases, apis, log files, streaming platforms, external providers",
        "as a leading global retailer of video games, electronics, and gaming merchandise",
        "one of the largest independent game studios in canada, with hundreds of thousands",
        "is quickly becoming a powerful gaming platform. high-quality 3d graphics",
        "drones, ridesharing marketplaces, ad tech and much more.\n\nwe are looking",
        "us build out our platform for advertising on ecommerce web sites.\n\nwe crawl",
        "make a living by selling their music and growing their fan base. we",
        "access and discovery of quality entertainment content to hundreds of millions",
        "people (think authors and readers, podcasters and listeners, etc.). sr eng",
    ],
    "media/1": [
        "processing pipelines for indexing content\n\nfurther improve the urx web crawler",
        "platform to enable brands and creators to deliver high quality 3d virtual",
        " zencoder\nzencoder is putting video infrastructure in the cloud. we",
        "infrastructure engineer\n* senior core game engineer\n* ui/ux engineer\n* senior",
        "collaborate: work closely with our ae, marketing, and product teams to continuously",
    ],
    "transportation/2": [
        "domestic and international travel logistics with efficiency\n\noversee vendor",
        "movement of goods in the global supply chain by analyzing data streams from",
        "pricing, manufacturing, shipping and freight in the packaging industry. our",
        "decisions. you have experience shipping real products to users. you are",
        " mobile.\nwe're optimizing the trucking and logistics industry; automating",
        "the forefront of building the autonomous vehicle (av) future — one that brings",
        "scalable end-to-end learning based self-driving systemresearch on cutting-edge",
        "value. we turn the increasing mobility of the enterprise workforce and",
        "infrastructure, autonomous drones, ridesharing marketplaces, ad tech and much",
        "billion dollar club startup\n+ automotive disruption, european market leader",
        "together av technology developers, fleet operators, infrastructure partners",
        "across space, shipbuilding, and aviation to scale production, reduce costs",
        "to help us fix travel tech for airlines.\nwe make some of the world’s biggest",
    ],
    "transportation/1": [
        'office in munich is close to public transport "giesing". office in mainz is',
        "forefront of building the autonomous vehicle (av) future — one that brings",
        "uk, which will facilitate new car buying online. we've had offers",
        " reduce costs, and accelerate delivery on mission-critical programs.",
    ],
    "real_estate/2": [
        "the most advanced technology the real estate industry has ever seen. we perform",
        "leaders from the early team at proptech company opendoor ($15b+ exit)",
        "of a property, to the future of property management, all to help tenants find their",
        "regulated finance, starting with mortgage servicing.\n\nwe're a series c company",
        "software for every piece of the home buying process, from initial application",
        "runway is building the first online rental platform for retail goods. we're a disruptive",
        "candidate must have experience in construction tech and be familiar with construction",
        "so far) that provides data warehousing powered by facebook's presto query",
    ],
    "real_estate/1": [
        "e.g. photographers, tutors, or home contractors. with millions of",
        "number of domains: energy, cyber, property, marine and casualty, to name",
        "powers edge and other microsoft properties), and chakracore (the open source",
        "working with customers. sage 300 construction experience preferred but not required",
    ],
    "security_defense/2": [
        "match).\nthe platform teaches it + cybersecurity skills through a codecademy-like",
        "needing expertise. our cantina security platform has powered major competitions",
        "factories that help aerospace and defense companies manufacture rockets",
        "autonomous factories that help aerospace and defense companies manufacture",
        "driving high-impact solutions for national security, energy resilience, and industrial",
        "companies manufacture rockets, satellites, jets, and ships up to 10x faster",
        "major defense contractors across space, shipbuilding, and aviation to",
    ],
    "security_defense/1": [
        "benefits:  , dental, etc\n- financial security: enough pay so you don't have",
        "we help governments reduce the threat of nuclear terrorism. we’re a",
        "integrated systems for commercial and military aircraft. we have a relentless",
    ],
    "manufacturing/2": [
        "hadrian – manufacturing the future\n\nhadrian is building",
        "by combining advanced software, robotics, and full-stack manufacturing",
        "on a global fleet of consumer robots? irobot is looking for a data",
        "technologies, circuit design, semiconductors and wireless, as well as advanced",
        "products.\ncome and join an exciting hardware startup where you can help make women",
        "hadrian is building autonomous factories that help aerospace and defense",
        "united by a shared mission to reindustrialize american manufacturing ",
        "extra credit:\n* experience with 3d printing\n* experience with webgl/three",
        "security provider. a growing blue chip list of enterprise and government",
    ],
    "manufacturing/1": [
        "monitoring solutions.\nwe're a heavily hardware and low level software focused",
        "wonderful experience across mobile devices and the web for thousands of dog",
    ],
    "telecom/2": [
        "group. this is a full-time remote (telecommute) development position with a close",
        "technologies such as cellular (5g, redcap, lte cat m1) ble, uwb",
        "ion and education spaces and works with mobile network operators to bring about",
        "we are the largest wireless carrier in the region",
    ],
    "travel_hospitality/2": [
        "location: remote (europe), some travel required.\nplease send further",
        "olivia.paradox.ai/moskg\n\nrooted in hospitality, esfm elevates the workplace experience",
        "tablet hotels - new york, ny\nrelocation assistance",
        "\nretribución flexible (ticket restaurante, seguro médico...).\nformación",
        "canadastays is a rapidly growing online vacation rental company changing the way canadians",
        "mission is to innovate premium tourism by creating a truly omni-channel",
        "management, procurement, travel booking, and automated bookkeeping with",
    ],
    "travel_hospitality/1": [
        "hours, catered lunch, an annual trip to mexico ... that list goes on",
        "startup stuff like bean bags + free food + new computer ;)\nyou should be",
    ],
    "consulting/2": [
        "100% employee-owned engineering consultancy cofounded by justin searls. we",
        "beach, fl\nhashrocket is a software consulting company that builds solutions for web",
        "founders as a consultant, advisor, or agency lead.\n\nin this role, you’ll work",
        "great jobs in the us. we are not a staffing firm or agency. lensa does not",
        "yousif (at) maralytix.com. no recruiting firms please.",
        "\nour services include project outsourcing, co-development, staff augmentation",
        "ideamotive.co/\nideamotive is a polish software house developing web applications to",
        "intel. please no recruiters or dev shops.\nwe are also hiring for a director",
        "hi! i'm john, ashby's head of professional services. one of my favorite aspects of",
        "for our customers. we are not an it services company trying to pivot and support",
    ],
    "consulting/1": [
        "we offer docker and kubernetes consulting and are working on a kubernetes",
        "risks our current and prospective clients face, so that we manage and price",
    ],
    "software_internet/2": [
        "for someone with 1–2 years of saas sales or sdr/bdr experience, who",
        "code. the stagehand team creates developer tools at the intersection of ai and",
        "selectors.\n\nexperience with chrome devtools.\n\nbasic understanding of dom internals",
        "best practices and resonates with b2b software audiences.\n\nperform regular technical",
        "systems administration\nwe're a small software company mainly creating specialized web",
        "commercializing spinnaker, an open source immutable infrastructure cd platform",
        "platform is powered by a deep link api that finds relevant in-app destinations",
        "modern web frameworks.\n\nwork with cloud platforms such as aws, gcp, or azure to",
        "qdrant is an open-source vector database written in rust 🦀. also, available",
        "kubernetes workloads.\n\nimplement observability, logging, and alerting for clusters",
        "the people who run this site) | infrastructure software engineer | bay area | full-time",
        "jenkins, ivy, gradle), third-party enterprise software (e.g. atlassian bamboo and stash",
        "platform to revolutionize enterprise productivity. our proprietary technology enables",
    ],
    "software_internet/1": [
        "source immutable infrastructure cd platform from netflix that enables blue",
        "cloudgear | devops/software engineer | 60-100% | remote (europe",
        "built in react. and our mobile apps are react native, swift, and java",
        "york, ny\nintent media is hiring developers to help us build out our platform",
    ],
}
# Real snippets (lower-cased openings) for each alternative of the benefits pattern.
BENEFITS_SNIPPETS = [
    "generous vacation policy\n- benefits: health, vision, dental, etc\n- financial security",
    "provide excellent benefits such as medical, dental, vision ++ a fun company to work",
    "matching, 100% company-paid health, dental, vision and life insurance, generous pto",
    "\nattractive package including health insurance, bonus, pension, flexible working",
    " competitive salary + equity, 401k + 4% matching, 100% company-paid",
    "flexible work hours;\n- 100% health insurance coverage for us and canadian employees",
    "of benefits, including 12 weeks paid parental leave, profit sharing, 100% premium",
]
# Real titles, header segments and role lines from stored postings, two per roles.yaml pattern.
ROLE_TEXTS = [
    "MLOps Engineer",
    "Managers • ML Ops Manager •",
    "I'm running a project at Uber to develop an AIOps (Data",
    "ML Ops Engineer",
    "Senior ML Operations Engineer (MLOps)",
    "Lead Product Engineer - ML Platform",
    "Software Engineer (ML Platform)",
    "Machine Learning Engineer, Platform",
    "SysAdmin & Deep Learning Engineer",
    "Deep Learning Engineer (Segmentation+tracking, 6D object pose, hand pose)",
    "Software Engineer-Deep Learning",
    "Senior Autonomy Engineer - Deep Learning",
    "Senior Machine Learning Scientist - Bay Area, CA",
    "Senior Data & Machine Learning Scientist",
    "Research Engineer, AI Safety & Alignment",
    "Software Engineers and Research Engineers",
    "Machine Learning Researcher",
    "Senior Machine Learning Researcher, £50-70k",
    "looking for research scientists and software engineers",
    "AI Research Scientist",
    "seeking a Health Services Researcher",
    "Support Engineer",
    "Senior Solutions Engineer (Oslo)",
    "Principal Solution Architect",
    "Big Data Solutions Architect",
    "SDET (LA and SF)",
    "SDET",
    "AI App DevRel",
    "Developer Relations Engineer",
    "Staff ML / AI Engineer",
    "AI/ML Engineer",
    "Staff Software Engineer (ML/AI) | $200K-$250K",
    "Founding Engineer (AI/ML)",
    "AI Platform Engineer (f/m/d)",
    "AI Red Team Engineer - Vietnamese",
    "Machine Learning Engineer (LLM)",
    "LLM Applications Engineers | $130k - $220k + Equity",
    "Machine Learning Engineering",
    "Machine Learning Engineer, Data Engineer",
    "Research Engineer / MLE / Full-stack",
    "MLE",
    "Software Engineer, Machine Learning and Artificial Intelligence",
    "Software Engineers, ML Engineers, UX, Design",
    "Tech Lead - Applied ML",
    "Software Engineer - Applied ML (Japan)",
    "Member of Technical Staff - ML Infrastructure & Performance",
    "Machine-Learning Infrastructure",
    "NLP/Machine Learning expert",
    "Machine Learning expert",
    "hiring across Engineering (Full-stack and Infra) and Data Science / ML roles",
    "Data Science / Engineering & CloudOps",
    "Data science folks",
    "Research Data Scientist - Web Marketing",
    "Applied Scientist",
    "Data Scientist - Health Data Analytics",
    "Data Scientist / Big Data Engineer",
    "Data engineer",
    "Data engineering folks",
    "Analytics Engineer",
    "Data Mining Analytics Developer",
    "Senior Software Engineer, Data Infrastructure",
    "Assistant(e) Client Data Analyst (H/F)",
    "Insights Analyst",
    "Power BI Analyst",
    "BI & Platform Analytics Manager",
    "Data Analytics Specialist III - Junior Data Scientist",
    "/^Full-?stack Engineer$/i",
    "Senior Back-end Developer / DevOps Engineer",
    "Searching for high-performing Data, DevOps, and Go Engineers. -->",
    "Full Stack, DevOps, Engineering Manager",
    "Mobile Engineering Manager",
    "Mozilla is hiring REMOTE and ONSITE engineering and manager positions:",
    "Member of Technical Staff - Agent Code",
    "Operations Coordinator - Canadian Market",
    "Hardware Data Centre Technician",
    "Sr Data Engineer (Sr BI Developer)",
]
# Real stretches around amounts (salaries, funding, budgets, 401k) and "between" ranges.
SALARY_SNIPPETS = [
    "Square, Brex, Carta, Facebook, $200B+ RIAs, and more.\n\nSavvy is at a",
    "of temporary housing (capped at $10,000)\n\nBenefits\n\nFlexible Time off",
    "role is USD$140,000 per year - USD$155,000 per year.\n\nFor New York, NY-based",
    "revenue, we recently closed a $20M Series C round.\nAs a Senior Android",
    "Commuter stipends for select roles\n\n401k Plan with 2% company match (USA",
    "insurance\n\nFlexible PTO Policy\n\n401k plan\n\nPaid Parental Leave\n\nPhysical",
    "entrepreneurs and has raised more than $240 million in financing.\n\nJoin our team and",
    "and today, Onebrief is valued at $1.1B. With this continued growth, Onebrief",
    "category-defining company in a $50B+ global translation market being",
    "Benefits\nCompetitive base salary: $155,000-$210,000, plus discretionary bonus program",
    "We have openings for HOURLY ($24/HR) shifts in San Francisco, San",
    "(on-site)\nAnnual Salary Range\n$120,000 – $140,000 + equity + benefits\nBenefits\nComprehensive",
    "Scale Ema’s LinkedIn from 30K → 100K+ with bold, creative storytelling",
    "engagements or transformation programs ($10M+) ideally involving AI. Most successful",
    "Park, CA | Salary negotiable – $90-140k+ | Equity 0.05% – 0.4% | Visa Sponsorship",
    "role is USD$198,000 per year - USD$220,000 per year.\n\nFor Seattle, WA-based",
    "s role is between $247,000 USD and $334,000 USD and is co",
    "role is USD$167,000 per year - USD$185,500 per year.\n\nFor all US locations",
    "Stock Purchase Program (ESPP)\n\n401k benefits with employer matching",
    "is fully remote, paying up to $200k + equity.\n\nDesired Skills and",
    "\nWe also just launched with a $5.1M Series A in the press w/ TechCrunch",
    "of 700+ people\n\n1M+ customers\n\n10K+ retail partners\n\nThe Role:\nWe",
    " vested over 4 years.\n\nPlus a 401k match & monthly wellness stipend",
    "SaaS- und Tech-Unternehmen ab EUR 10M ARR zusammenarbeitet. Im Mittelpunkt",
    " range is between $175,000 CAD[minimum s",
    "trillion industry with more than $500 billion spent annually on administrative",
    "market outside of California] to $176,500 [maximum salary in our highest",
    "Senior Web Designer | Equity | 75k-100k+ (based on experience) + Quarterly",
    "196,000)\n\nL5 Staff ML Engineer ($196,000 - $227,000)\n\nWe are focused on building a",
    "salary range for this role is $117,000 – $150,000. Compensation is determined based",
    "hybrid games generating more than $20m per year, we are the world's largest",
    "hiring! We are a well-funded ($1M+) startup located in Berkeley,",
    "Core Wellness | Flexible | $75k and Equity | iOS Developer | www",
    "care sites nationwide – more than $10 billion flows through our systems and",
    "courses through NetCE.\n\nUp to $1,000/year stipend for continuing education",
    "Work From Home Additional Perks:\n\n$50/month stipend added directly to",
    "leaders in that space, with:\n\n$10 billion+ generated by creators since Patreon",
    "certificates, and more.\n\nWe’ve raised $19M from Y Combinator, Google, and",
    "care sites nationwide – more than $10 billion flows through our systems and",
    "Security costs US companies over $200B /year, and is a very difficult",
    "tion date between 2026 - 2028\n\nProficiency in Jav",
    "compensation for this role is between $90,000 - $115,000, plus a competitive equity package",
    "sition is between $69,000 to $80,000. Within the r",
    " is short between 4-7 million homes while housing",
    "pay range for this position is between $100,000.00 and $128,600.00 per year. Base pay is one",
]
# Real stretches of bodies that the strong remote/onsite phrases and the hybrid pattern match.
REMOTE_SNIPPETS = [
    "Software Engineer | 60-100% | REMOTE (Europe)\nCloudGear is a startup based in",
    "critical to our long-term success.\n\nFully remote\n\nCompetitive salary\n\nMeaningful",
    "Qdrant, Remote-first, HQ in Berlin, hiring worldwide",
    "| Senior Software Engineers | Remote (US & Canada) | Full-Time |\nTest Double is hiring",
    "Unless formally approved to work fully remotely, Uber expects employees to spend",
    "get in touch!\nThe tech team is remote-first and works 4 or 5 days per week",
    "technical roles and are open to fully remote employees anywhere in the US or",
    "collaborating effectively in a remote-first team.\n\nCross-chain experience",
    " San Francisco, CA | Fulltime onsite only\nSoftware Engineer | $125-175k",
    "Badger red-badger.com\nFull time, onsite only, we will relocate from USA and",
    "Smarkets, London, UK. On-site only.\nWe're a modern betting exchange",
    "Mountain View, CA; Full time; VISA; ONSITE only\nAddepar is a fast growing startup",
    "auto1.com - Berlin - onsite only, visa possible\nJava (spring-cloud",
    "Hazel Analytics | Seattle (Onsite Only, No Remote Please) | Full Stack",
    "who is passionate about Web3. This is an on-site position, based in the Kreuzberg",
    "Conshohocken, PA (Philly suburbs) No remote, but we will help you with relocation",
    "Data Engineer\nPermanent – Hybrid – Dublin\n\nAbout the Company\nOur",
    "MA office with flexibility for hybrid work.\n\nHere's how you will contribute",
    "multi-cluster, multi-cloud, or hybrid environments.\n\nKnowledge of GPU",
    "and regulators into a seamless hybrid ecosystem. As a Launcher, you",
    "in Bangalore, India. This is a hybrid role requiring in-office work",
    "24099420\n\nLocation:Cupertino,CA(Hybrid)\n\nContract:12+ Month\n\nJob Description",
    "people.\n\nFully present — we’re 5 days a week in the office to build the energising momentum",
    "Junior, Senior, Staff | Global | Hybrid/On-site\nMostly Asia/Europe at",
]


# -- folding: which characters the regex engine matches to ASCII under IGNORECASE --------------------------
def test_folding_covers_every_ignorecase_alias_of_ascii() -> None:
    """Folded literals are sound only if every character the engine matches to an ASCII character ``a``
    under IGNORECASE folds to ``a.lower()``, and ``_case_variants`` lists all of them; checked for every
    code point (a Python with more case aliases fails here). Also: no code point is both \\d and \\s."""
    any_ascii = re.compile(r"[\x00-\x7f]", re.IGNORECASE)
    digit, space = re.compile(r"\d"), re.compile(r"\s")
    aliases: dict[str, set[str]] = {}
    for code in range(128, 0x110000):
        char = chr(code)
        assert not (digit.match(char) and space.match(char)), hex(code)
        if any_ascii.match(char):
            aliases[char] = {chr(a) for a in range(128) if re.fullmatch(re.escape(chr(a)), char, re.I)}
    assert set(aliases) == set(_RE_ALIASES)
    for char, equals in aliases.items():
        assert all(fold_for_literals(char) == a.lower() for a in equals), (char, equals)
        assert fold_for_literals(f"x{char}y") == f"x{next(iter(equals)).lower()}y"
    for code in range(128):
        char = chr(code)
        expected = {char, char.swapcase()} | {alias for alias, equal in aliases.items() if char in equal}
        assert _case_variants(code, ignore_case=True) == expected, char


# -- required literals ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("source", "flags", "folded", "expected"),
    [
        (r"\bhospitals?\b", 0, False, ("hospital",)),
        (r"health ?tech|pharma", 0, False, ("health", "pharma")),
        (r"consult\w+|clients", 0, False, ("lients", "onsult")),  # the parser factors out the shared "c"
        (r"e-?commerce|online (?:store|shop)", 0, False, ("commerce", "online s")),
        (r"[a-c]x", 0, False, ("ax", "bx", "cx")),
        (r"(?:ab)?c", 0, False, ("c",)),
        (r"ab.cd", 0, False, ("ab",)),  # a stretch ends at a character that is not known
        (r"x\w+yz|q", 0, False, ("q", "yz")),
        (r"x*", 0, False, None),
        (r"\d+", 0, False, None),
        (r"Remote", re.IGNORECASE, False, None),  # not exact under IGNORECASE
        (r"Remote", re.IGNORECASE, True, ("remote",)),
        (r"(?i:on)-?site", 0, True, ("on-site", "onsite")),
        (r"(?<!no )remote(?! sensing)", re.IGNORECASE, True, ("remote",)),  # lookarounds consume nothing
        ("caf\u00e9", re.IGNORECASE, True, ("caf",)),  # a folded literal is ASCII only
        ("caf\u00e9", 0, False, ("caf\u00e9",)),
    ],
)
def test_required_literals(source: str, flags: int, folded: bool, expected: tuple[str, ...] | None) -> None:
    assert required_literals(re.compile(source, flags), folded) == expected


_PROPERTY_PATTERNS = [
    (r"\bhospitals?\b|clinic(?:al)?|\behr\b", 0),
    (r"health ?care (?:company|startup)|health ?tech|digital health", 0),
    (r"(?:ai|ml|llm) (?:company|lab)|ai[- ]native|\bagi\b", 0),
    (r"consult\w+|clients", 0),
    (r"\b(?:fully remote|remote[- ]first|work from anywhere|remote \((?:us|eu)[^)]*\))", re.IGNORECASE),
    (r"\b(?:onsite only|on-site only|no remote|in[- ]office \d days)\b", re.IGNORECASE),
    (r"(?<!no )\bremote(?!\s*sensing)\b|\bwfh\b", re.IGNORECASE),
    (r"(?i:data) scien(?:tists?|ce)\b|k8s|\bsre\b", 0),
    (r"(?:machine[- ]learning|\bml\b) (?:platform|ops) (?:eng|dev)", re.IGNORECASE),
    (r"data.{0,3}scien|remote \w+ first|k\d?s", re.IGNORECASE),
]
_WORDS = [
    "hospital", "hospitals", "clinic", "clinical", "ehr", "health", "care", "healthcare", "company", "tech",
    "digital", "ai", "ml", "llm", "lab", "native", "agi", "consult", "clients", "fully", "remote", "first",
    "work", "from", "anywhere", "(us", "(eu", ")", "onsite", "on-site", "only", "no", "in", "office", "3",
    "days", "sensing", "wfh", "data", "scientist", "science", "k8s", "sre", "machine", "learning",
    "platform", "ops", "eng", "dev", "REMOTE", "İn", "ın", "ſite", "onſite", "Kelvin\u212a", "DATA",
    "SCIENCE", "scıence", "-", " ", "  ", ",", "x", "é",
]  # fmt: skip


def test_required_literals_never_miss_a_match_on_random_text() -> None:
    """On 4,000 random texts of words the patterns are made of (case, aliases like "ı" and "ſ" included):
    wherever a pattern matches, the text contains one of its literals, and a gate's narrowed pattern
    finds exactly the same matches."""
    rng = random.Random(20240611)
    texts = ["".join(rng.choice(_WORDS) + rng.choice(["", " ", " ", "-"]) for _ in range(rng.randint(1, 9)))]
    texts += [
        "".join(rng.choice(_WORDS) + rng.choice(["", " ", " ", "-"]) for _ in range(rng.randint(1, 9)))
        for _ in range(4000)
    ]
    matched = 0
    for source, flags in _PROPERTY_PATTERNS:
        pattern = re.compile(source, flags)
        for folded in (False, True) if not flags & re.IGNORECASE else (True,):
            literals = required_literals(pattern, folded)
            assert literals, source
            gate = LiteralGate.of(pattern, folded)
            for text in texts:
                looked_up = fold_for_literals(text) if folded else text
                if pattern.search(text):
                    matched += 1
                    assert any(lit in looked_up for lit in literals), (source, text)
                narrowed = gate.narrow(looked_up)
                assert (narrowed.findall(text) if narrowed else []) == pattern.findall(text), (source, text)
    assert matched > 1000  # the texts do exercise the patterns


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("a|b", ["a", "b"]),
        ("(?:a|b)c|d", ["(?:a|b)c", "d"]),
        ("[|]x|y", ["[|]x", "y"]),
        ("[]|]|z", ["[]|]", "z"]),
        ("[^]|]|z", ["[^]|]", "z"]),
        (r"a\|b|c", [r"a\|b", "c"]),
        (r"[\]|]|q", [r"[\]|]", "q"]),
        ("abc", None),
        ("(a)|b", None),  # a capturing group: alternatives are not split
    ],
)
def test_top_level_alternatives(source: str, expected: list[str] | None) -> None:
    assert top_level_alternatives(re.compile(source)) == expected


# -- industry ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("key", sorted(INDUSTRY_SNIPPETS))
def test_industry_rule_counts_on_real_snippets(key: str) -> None:
    """Every industry rule counts, through its gate, what plain findall counts, on real snippets that
    match the rule (one per top-level alternative); the rule the snippets were picked for does match."""
    name, weight = key.split("/")
    (gate,) = [g for g, w in industry._GATES[name] if w == int(weight)]
    for snippet in INDUSTRY_SNIPPETS[key]:
        assert gate.pattern.search(snippet), snippet
        assert _counts(snippet) == _plain_counts(snippet), snippet
    for piece, _literals in gate.alternatives:  # each alternative has a snippet it matches
        assert any(re.search(piece, s) for s in INDUSTRY_SNIPPETS[key]), piece


def test_every_weighted_industry_rule_has_snippets() -> None:
    keys = {f"{name}/{w}" for name, rules in industry._COMPILED.items() for _p, w in rules if w}
    assert keys == set(INDUSTRY_SNIPPETS)


def test_benefits_sentences_are_removed_as_before() -> None:
    gate = industry._BENEFITS_GATE
    assert len(gate.alternatives) == len(BENEFITS_SNIPPETS)
    for snippet in BENEFITS_SNIPPETS:
        narrowed = gate.narrow(fold_for_literals(snippet))
        assert narrowed is not None, snippet
        assert narrowed.sub(" ", snippet) == industry._BENEFITS.sub(" ", snippet) != snippet


def test_openings_and_rule_counts_as_before_on_snapshot() -> None:
    """On every snapshot comment the opening the rules read (benefits blanked out through the benefits
    gate) is the old one, and every rule counts there what plain findall counts."""
    for text in snapshot_texts():
        opening = industry._opening(text, 1200)
        assert opening == industry._BENEFITS.sub(" ", text[:1200].lower()), text[:200]
        assert _counts(opening) == _plain_counts(opening), text[:200]


def test_from_text_as_before_on_snapshot_and_snippets() -> None:
    """from_text (gates, narrowed alternations, benefits gate) gives the old answer on the 2,186 real HN
    comments of the hn_2026 snapshot and on the snippets, alone and run together."""
    texts = [*snapshot_texts(), *(s for v in INDUSTRY_SNIPPETS.values() for s in v), *BENEFITS_SNIPPETS]
    texts.append(" ".join(s for v in INDUSTRY_SNIPPETS.values() for s in v))
    found = [industry.from_text(t) for t in texts]
    assert found == [_reference_from_text(t) for t in texts]
    assert len({f for f in found if f}) >= 10  # many industries decided, not all "unknown"


# -- roles -----------------------------------------------------------------------------------------------
def _role_inputs() -> list[str]:
    """What RoleRules.find is asked: real titles/segments/role lines, roles.yaml examples, header pieces
    and short lines of the snapshot comments, and made-up ones with case aliases."""
    rules = default_rules()
    texts = [*ROLE_TEXTS, *(ex for r in rules.rules for ex in (*r.match, *r.no_match))]
    for text in snapshot_texts():
        texts += header_segments(hn_header(text))
        texts += [line for line in text.split("\n")[1:60] if 0 < len(line) <= 80]
    texts += ["Data Scıentist", "SENIOR DATA SCİENTIST", "Machine Learning Engineer", "mlop\u017f engineer"]
    return texts


def test_role_find_as_before() -> None:
    """Gated, memoised find gives the old families on every input (asked twice: computed, then
    remembered); each roles.yaml pattern matches some real text, so each gate is passed at least once."""
    rules = load_roles()  # a fresh instance: an empty memo
    texts = _role_inputs()
    for text in texts:
        expected = _reference_find(rules, text)
        assert rules.find(text) == expected, text
        assert rules.find(text) == expected, text
        assert rules._find(text) == expected, text
    for rule in rules.rules:
        for pattern in rule.patterns:
            assert any(pattern.search(t) for t in ROLE_TEXTS), pattern.pattern


def test_role_find_aliases_reach_the_regex() -> None:
    """ "ı" is "i" to the regex under IGNORECASE: folding keeps the literal test from skipping it."""
    assert load_roles().find("Data Scıentist") == ["data_scientist"]


def test_role_find_memo_hands_out_copies_and_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from skillpulse.extractors import roles as roles_module

    rules = load_roles()
    first = rules.find("Senior Data Engineer")
    first.append("mutated")
    assert rules.find("Senior Data Engineer") == ["data_engineer"]
    monkeypatch.setattr(roles_module, "_FIND_MEMO_SIZE", 5)
    for text in ROLE_TEXTS:
        assert rules.find(text) == _reference_find(rules, text)
        assert len(rules._memo) <= 5


# -- salary amounts ------------------------------------------------------------------------------------------
EDGE_AMOUNTS = [
    "", "1", "$", "between", "abc123 def", "between   \n\t $120k and $150k", "BETWEEN USD 100 and 200k",
    "Between\u00a0€90.000 - €110.000", "salary \u0661\u0662\u0660k", "pay: 120-150k base", "US$ 120k",
    "kr 500 000 per year", "zł 12 000 / month", "Rs. 30 LPA", "NT$1,000,000", "€ 45.000 brutto",
    "$$$100", "1/2 $95/hr", "v2.0 costs $1.5m", "between\u2003\u2003$5 and 6", "dollars 5", "x1$2k",
]  # fmt: skip


def test_amount_scanner_finds_what_finditer_finds() -> None:
    """LeadScanner over salary's amount pattern yields the same matches (spans and groups) as
    ``finditer`` on real snippets, made-up edge cases (Unicode spaces and digits, "between" in any case)
    and every snapshot comment."""
    scanner = salary._AMOUNT_SCANNER
    assert scanner is not None
    texts = [*SALARY_SNIPPETS, *EDGE_AMOUNTS, *snapshot_texts()]
    total = 0
    for text in texts:
        expected = _amounts(salary._AMOUNT.finditer(text))
        assert _amounts(scanner.finditer(text)) == expected, text
        total += len(expected)
    assert total > 1000


@pytest.mark.parametrize(
    "source",
    [r"(?:ab)?\d+", r"(?i:x)?y+", r"(?:foo\s+)?[$€]?\d(?:k\b)?", r"\b(?:a|bd)?c", r"(?<=-)?(?:[ab] )?\d"],
)
def test_lead_scanner_on_random_text(source: str) -> None:
    pattern = re.compile(source)
    scanner = LeadScanner.of(pattern)
    assert scanner is not None
    rng = random.Random(7)
    alphabet = [
        "a",
        "b",
        "c",
        "x",
        "X",
        "y",
        "foo",
        " ",
        "\u00a0",
        "\n",
        "$",
        "€",
        "1",
        "23",
        "k",
        "-",
        "\u0663",
    ]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        assert _amounts(scanner.finditer(text)) == _amounts(pattern.finditer(text)), text


@pytest.mark.parametrize("source", [r"\d?\d", r"a*", r".x", r"[^a]b", r"(a)?\1b"])
def test_lead_scanner_refuses_patterns_it_cannot_read(source: str) -> None:
    """A first character the lead can also consume, an empty match, any character, a negated set, a
    back reference: no scanner (parse_text then uses plain finditer)."""
    assert LeadScanner.of(re.compile(source)) is None


# -- remote mode ---------------------------------------------------------------------------------------------
EDGE_REMOTE = [
    "Onſite only, in our Berlin office",  # "ſ" is "s" to the regex under IGNORECASE
    "This role is ONSİTE ONLY",
    "İn-office 3 days a week",
    "WOR\u212a FROM ANYWHERE",
    "Hybrid: 2 days per week in the office",
    "We are remote-first. No remote for interns.",
    "",
]


def test_remote_mode_as_before() -> None:
    """remote_mode with gated body phrases gives the old answer for every snapshot comment (its header
    as terms), the real snippets and made-up alias cases, with each remote flag."""
    cases = [(hn_header(t), t) for t in snapshot_texts()]
    cases += [("", s) for s in (*REMOTE_SNIPPETS, *EDGE_REMOTE)] + [(s, "") for s in EDGE_REMOTE]
    modes = set()
    for header, body in cases:
        for flag in (None, True, False):
            mode = location.remote_mode(header, body, flag)
            assert mode == _reference_remote_mode(header, body, flag), (header, body[:200], flag)
            modes.add(mode)
    assert modes == {"remote", "hybrid", "onsite", "mixed", "unknown"}
    assert location.remote_mode("", EDGE_REMOTE[0]) == "onsite"
