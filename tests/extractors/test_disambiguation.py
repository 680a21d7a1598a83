"""Must-match / must-not-match tables for every ambiguous name (in the spirit of HN "hnhiring" specs).

Each row is a sentence of the kind real postings contain; the tables are about rules, not postings.
"""

from __future__ import annotations

import pytest

CASES: dict[str, tuple[list[str], list[str]]] = {
    "r": (
        [
            "Proficiency in R or Python required",
            "Experience with statistical packages (SAS, SPSS, R)",
            "You know R, SQL and Tableau",
            "Build models in R.",
            "Comfortable with R/Python for analysis",
            "R programming and the tidyverse",
            "Familiarity with ggplot2 and dplyr",
            "R Shiny dashboards",
            "Languages: Python, R",
            "Strong R skills",
        ],
        [
            "Our R&D department",
            "Work closely with R & D",
            "R and D investments grew",
            "We closed a Series R round",
            "Tableau(R) and Excel(R) are trademarks",
            "Contact Jane R. Doe for details",
            "H.R. Giger inspired design",
            "Rated R for violence",
            "Must hold an R-rated clearance? No: an R-rated movie",
            "Apply at careers.example.com/r/123",
        ],
    ),
    "c": (
        [
            "Strong C and Python skills",
            "Embedded C firmware for microcontrollers",
            "Languages: C, Go, Rust",
            "Proficient in C/C++",
            "Write performant code in C.",
            "C99 and POSIX threads",
            "Linux kernel development in C",
            "Know C pretty well",
            "looking for superb C programmers",
        ],
        [
            "We raised a Series C",
            "Report to the C-suite",
            "Partner with C-level executives",
            "Objective-C and Swift for iOS",
            "C# and .NET Core",
            "We are a Delaware C corp",
            "Rich in vitamin C",
            "Students earning a grade C or better",
            "Salary C$120,000",
            "USB-C and Thunderbolt hardware",
            "Type C connectors",
            "Hepatitis C research lab",
            "Temperatures of 40 C",
        ],
    ),
    "go": (
        [
            "Backend written in Go",
            "Stack: Go, Postgres, Kubernetes",
            "Golang microservices",
            "Experience with Go or Rust",
            "Senior Go Engineer",
            "Go/Python backend",
            "We use Go and TypeScript",
            "Software Engineer (Go)",
            "and a tiny bit of Go, all on AWS",
            "Acme | Senior Engineer | Go | Remote",
        ],
        [
            "Own our go-to-market strategy",
            "Go to market with the sales team",
            "Our go-to tool for analytics",
            "Work on the go with our mobile app",
            "We had to let go of legacy systems",
            "Go build something great",
            "Go beyond your comfort zone",
            "Ready to go? Apply now",
            "Pokémon Go integration",
            "Pipelines on GoCD",
            "Go-getters wanted",
        ],
    ),
    "spark": (
        [
            "Experience with Spark and Hadoop",
            "Apache Spark at scale",
            "PySpark data pipelines",
            "Spark SQL and Delta tables",
            "Big data tools (Spark, Kafka)",
            "Tune Spark jobs on EMR",
            "Kafka, Spark, Flink",
            "distributed data processing systems (e.g., Spark)",
            "machine learning at scale through Spark",
        ],
        [
            "Spark innovation across teams",
            "Ideas that spark joy",
            "The spark that started it all",
            "Spark Networks SE is hiring",
            "Design assets in Adobe Spark",
            "Databricks notebooks",
            "If this sparks your interest, apply",
        ],
    ),
    "java": (
        ["Java 17 and Spring", "Java/Kotlin services", "Experience with J2EE"],
        [
            "JavaScript and React",
            "Fresh java coffee every day",
            "Typescript and Node.js",
            "offices in West Java",
        ],
    ),
    "javascript": (
        ["JavaScript and HTML", "TypeScript, React", "Node.js APIs", "JS/TS"],
        [
            "Java and Spring Boot",
            "Vue.js frontend",
            "Next.js site",
            "Kubernetes Nodes and pods",
            "each Node in the graph",
        ],
    ),
    "excel": (
        [
            "Advanced Excel skills",
            "MS Excel and PowerPoint",
            "VBA macros",
            "export reports to Excel",
            "strong excel skills",
        ],
        [
            "You will excel at building relationships",
            "We help our people excel",
            "Excellent written skills",
            "A center of excellence",
            "She excels in ambiguity",
            "Excel at what you love",
            "a chance to excel in your career",
        ],
    ),
    "computer_vision": (
        ["Computer vision and NLP", "ML/CV research", "object detection models", "CV engineers for robotics"],
        [
            "Send your CV to jobs@example.com",
            "Please attach a CV and cover letter",
            "CV/resume required",
            "Email your CV to Anna",
            "Submit your updated CV",
        ],
    ),
    "julia": (
        ["Python, Julia or R", "Scientific code in Julia", "Julia programming language"],
        [
            "Julia, our recruiter, will reach out",
            "Contact Julia for details",
            "Julia Roberts",
            "Julia's team",
        ],
    ),
    "swift": (
        ["iOS apps in Swift", "Swift/Objective-C", "SwiftUI and UIKit", "Swift, Kotlin", "If you love Swift"],
        ["Swift delivery of features", "a swift response", "SWIFT payments messaging", "Taylor Swift"],
    ),
    "rust": (
        [
            "Systems programming in Rust",
            "Rust, Go, C++",
            "Rust developer",
            "[rust, python]",
            "a tiny bit of Rust.",
        ],
        ["rust on the pipes", "my C is rusty", "the Rust Belt", "rust removal"],
    ),
    "scala": (
        ["Scala and Spark", "Java/Scala"],
        ["La Scala opera", "scalable systems", "we operate at scala"],
    ),
    "kafka": (["Kafka streams", "Apache Kafka"], ["Franz Kafka", "a Kafkaesque bureaucracy"]),
    "pandas": (["pandas and NumPy", "Pandas dataframes"], ["giant pandas at the zoo", "red pandas"]),
    "gcp": (
        ["GCP and BigQuery", "Google Cloud Platform", "Vertex AI pipelines"],
        [
            "Knowledge of GCP and ICH guidelines for clinical trials",
            "Good Clinical Practice (GCP) training",
            "ex-Google engineers",
        ],
    ),
    "aws": (
        ["AWS Lambda and S3", "Amazon Web Services", "SageMaker endpoints", "EKS clusters"],
        [
            "Our founders are ex-AWS",
            "A team of engineers from AWS and Stripe",
            "S3-compatible storage engine",
        ],
    ),
    "tensorflow": (["TensorFlow and Keras", "TFX pipelines"], ["Terraform (TF) modules", "TF state"]),
    "deep_learning": (
        ["CNNs and RNNs", "deep learning", "neural networks", "transformer models"],
        ["as reported by CNN", "CNN International", "power transformer testing"],
    ),
    "sql": (["SQL and Python", "PostgreSQL", "T-SQL", "MySQL"], ["NoSQL databases", "SQL injection testing"]),
    "communication": (
        ["Excellent communication skills", "strong communicator", "communicate clearly with stakeholders"],
        [
            "a communications platform for teams",
            "the telecommunications industry",
            "Marketing and Communications department",
            "a leading provider of communication services",
            "We communicate openly as a team",
            "Our culture values open communication",
            "Reports to the Head of Marketing and Communications",
        ],
    ),
    "nlp": (
        ["NLP and LLMs", "natural language processing"],
        ["certified neuro-linguistic programming (NLP) coach"],
    ),
    "machine_learning": (["machine learning", "ML engineer", "AI/ML"], ["a 500 ml bottle", "CoreML models"]),
    "data_structures": (
        ["data structures and algorithms (DSA)", "strong DSA skills", "data structures"],
        ["compliance with the DSA (Digital Services Act)", "a signed DSA with the vendor"],
    ),
    "cpp": (
        ["modern C++", "CPP developer", "C++20"],
        ["CPP/EI deductions", "Canada Pension Plan (CPP) contributions"],
    ),
    "tableau": (["Tableau dashboards", "Tableau, Looker"], ["a tableau of scenes"]),
}

MUST = [pytest.param(s, t, id=f"{s}+{t[:30]}") for s, (yes, _) in CASES.items() for t in yes]
MUST_NOT = [pytest.param(s, t, id=f"{s}-{t[:30]}") for s, (_, no) in CASES.items() for t in no]


@pytest.mark.parametrize(("skill", "text"), MUST)
def test_must_match(skills_of, skill: str, text: str):
    assert skill in skills_of(text)


@pytest.mark.parametrize(("skill", "text"), MUST_NOT)
def test_must_not_match(skills_of, skill: str, text: str):
    assert skill not in skills_of(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PySpark", {"python", "spark"}),
        ("C/C++", {"c", "cpp"}),
        ("C&#x2F;C++", set()),  # HTML must be turned into text first: see test_html_entities_never_hide
        ("EKS", {"aws", "kubernetes"}),
        ("GKE", {"gcp", "kubernetes"}),
        ("AKS", {"azure", "kubernetes"}),
        ("Spark SQL", {"spark", "sql"}),
        ("MLOps", {"mlops", "machine_learning"}),
        ("TypeScript", {"typescript", "javascript"}),
        ("data structures and algorithms", {"data_structures", "algorithms"}),
    ],
)
def test_one_form_counts_several_skills(skills_of, text: str, expected: set[str]):
    found = skills_of(text)
    assert expected <= found
    if not expected:
        assert not {"c", "cpp"} <= found


def test_html_entities_never_hide_a_mention(skills_of):
    from skillpulse.extractors.html import to_text

    assert {"c", "cpp"} <= skills_of(to_text("<p>Experience with C&#x2F;C++</p><p>Rust</p>"))


def test_mentions_in_urls_and_emails_do_not_count(skills_of):
    assert "go" not in skills_of("See https://github.com/acme/go-tools for details")
    assert "python" not in skills_of("Write to python@example.com")
    assert "python" in skills_of("Python developer; see https://acme.com/jobs")


def test_mention_offsets_point_at_the_text(extractor):
    text = "We use Python, R. And C/C++."
    for m in extractor.extract(text):
        assert text[m.start : m.end] == m.text
    assert ("r", "R") in {(m.skill, m.text) for m in extractor.extract(text)}
