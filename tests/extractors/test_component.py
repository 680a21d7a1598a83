"""The spaCy component in a blank pipeline: factory, config, spans, overlaps, Chinese routing."""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path

import spacy

from skillpulse.extractors.skills import DEFAULT_TAXONOMY, SPANS_KEY, SkillExtractor, doc_mentions

SMALL = """
skills:
  - {id: python, name: Python, category: language, aliases: [python, pyspark], also: {pyspark: [spark]}}
  - {id: spark, name: Spark, category: data platform, aliases: [apache spark]}
  - id: r
    name: R
    category: language
    case_sensitive: [R]
    ambiguous: [R]
    exclude: ['R\\s?&\\s?D']
"""


def test_factory_is_declared_as_an_entry_point():
    names = {ep.name for ep in entry_points(group="spacy_factories")}
    assert "skillpulse_skills" in names


def test_blank_pipeline_puts_skills_in_doc_spans_with_ids():
    nlp = spacy.blank("en")
    nlp.add_pipe("skillpulse_skills", config={"taxonomy_path": str(DEFAULT_TAXONOMY)})
    doc = nlp("We use PySpark, C/C++ and EKS. No R&D here.")
    found = {(s.id_, s.text) for s in doc.spans[SPANS_KEY]}
    assert {("python", "PySpark"), ("spark", "PySpark"), ("c", "C"), ("cpp", "C++")} <= found
    assert {("aws", "EKS"), ("kubernetes", "EKS")} <= found
    assert all(s.id_ != "r" for s in doc.spans[SPANS_KEY])
    assert all(s.label_ == "SKILL" for s in doc.spans[SPANS_KEY])


def test_config_takes_a_taxonomy_path_and_spans_key(tmp_path: Path):
    path = tmp_path / "tax.yaml"
    path.write_text(SMALL)
    nlp = spacy.blank("en")
    nlp.add_pipe("skillpulse_skills", config={"taxonomy_path": str(path), "spans_key": "sk"})
    doc = nlp("PySpark in our R&D lab. R is a letter.")
    assert {s.id_ for s in doc.spans["sk"]} == {"python", "spark"}  # R: excluded, then no evidence
    assert "skills" not in doc.spans
    doc = nlp("Python, R")
    assert {s.id_ for s in doc.spans["sk"]} == {"python", "r"}  # a list partner is evidence


def test_initialize_reloads_the_taxonomy(tmp_path: Path):
    path = tmp_path / "tax.yaml"
    path.write_text(SMALL)
    nlp = spacy.blank("en")
    nlp.add_pipe("skillpulse_skills")
    doc = nlp("Java")
    assert "java" in {s.id_ for s in doc.spans[SPANS_KEY]}
    nlp.get_pipe("skillpulse_skills").initialize(taxonomy_path=str(path))
    doc = nlp("Java")
    assert not doc.spans[SPANS_KEY]


def test_sentence_final_r_and_c_are_found_despite_tokenisation():
    nlp = spacy.blank("en")
    nlp.add_pipe("skillpulse_skills")
    doc = nlp("Models are written in R. Drivers are written in C.")
    assert [t.text for t in doc if t.text.startswith(("R", "C"))] == ["R.", "C."]  # one token each
    mentions = {(m.skill, m.text) for m in doc_mentions(doc)}
    assert {("r", "R"), ("c", "C")} <= mentions


def test_csharp_is_not_c_although_the_tokenizer_splits_it():
    nlp = spacy.blank("en")
    nlp.add_pipe("skillpulse_skills")
    doc = nlp("Backend in C# and F#")
    assert [t.text for t in doc][:3] == ["Backend", "in", "C"]
    assert {s.id_ for s in doc.spans[SPANS_KEY]} == {"csharp", "ocaml"}


def test_extract_many_keeps_order_and_routes_chinese(extractor: SkillExtractor):
    texts = ["Python", "强大的编程技能，尤其是 Python、R 和 Java", "", "Go to market"]
    results = [{m.skill for m in ms} for ms in extractor.extract_many(texts, batch_size=2)]
    assert results == [{"python"}, {"python", "r", "java"}, set(), set()]


def test_extraction_without_tokens_gives_the_mentions_the_component_puts_on_docs(extractor: SkillExtractor):
    """extract_many skips spaCy's pipeline; on real snapshot texts (English and Chinese) its mentions are
    exactly those the component records on each doc."""
    from skillpulse.extractors.skills import doc_mentions
    from skillpulse.flows.sources.posting import Posting
    from skillpulse.flows.sources.snapshot import SnapshotSource
    from skillpulse.flows.steps.extract import extraction_text

    texts = [
        extraction_text(p.title, p.description)
        for p in SnapshotSource(limit=40).fetch()
        if isinstance(p, Posting) and p.description
    ]
    texts += ["强大的编程技能，尤其是 Python、R 和 Java", "Backend in C# and F#", ""]
    direct = list(extractor.extract_many(texts))
    via_docs = [doc_mentions(doc) for doc in extractor.docs(texts, batch_size=7)]
    assert len(texts) > 300 and sum(map(len, direct)) > 1000
    assert direct == via_docs


def test_chinese_sentences_from_the_guide(skills_of):
    guide = {
        "机器学习工程师需要对先进的机器学习算法有深入的了解,例如神经网络和深度学习。": {
            "machine_learning",
            "deep_learning",
        },
        "机器学习工程师需要熟悉大数据和数据结构,并具备处理大数据集的能力。": {"big_data", "data_structures"},
        "他们还需要拥有 Hadoop 和 Spark 等分布式计算工具的经验。": {
            "hadoop",
            "spark",
            "distributed_computing",
        },
        "这涉及机器学习,但也包括自然语言处理和计算机视觉等其他领域。": {"nlp", "computer_vision"},
        "还需要熟悉大数据和数据结构,具有较强的Python、R、Java等语言编程能力。": {"python", "r", "java"},
        "此外,成为一名良好的沟通者和团队合作者对于作为数据科学团队的一员工作至关重要。": {
            "communication",
            "teamwork",
        },
        "他们还需要具备使用 Pandas 和 NumPy 等数据操作和分析工具的经验。": {"pandas", "numpy"},
    }
    for sentence, expected in guide.items():
        assert expected <= skills_of(sentence), sentence


def test_chinese_pipeline_with_jieba_segmenter():
    ex = SkillExtractor(zh_segmenter="jieba")
    doc = ex.nlp_zh("熟悉大数据和数据结构")
    assert [(s.text, s.id_) for s in doc.spans[SPANS_KEY]] == [
        ("大数据", "big_data"),
        ("数据结构", "data_structures"),
    ]


def test_parallel_extraction_matches_single_process(extractor: SkillExtractor):
    texts = ["Python, R and SQL", "Go to market", "Rust, C/C++", "Send your CV"] * 5
    single = list(extractor.extract_many(texts))
    assert list(extractor.extract_many(texts, batch_size=3, n_process=2)) == single


def test_version_changes_with_the_taxonomy(tmp_path: Path):
    path = tmp_path / "tax.yaml"
    path.write_text(SMALL)
    assert SkillExtractor(path).version != SkillExtractor().version


def test_rollups_are_kept_apart_from_literal_skills(extractor: SkillExtractor):
    tax = extractor.taxonomy
    assert "deep_learning_frameworks" in tax.ancestors("pytorch")
    assert "ml_frameworks" in tax.ancestors("pytorch")  # transitive
    assert "deep_learning" not in {m.skill for m in extractor.extract("PyTorch")}
    assert tax.rollup({"pytorch", "pandas"}) >= {"deep_learning_frameworks", "python_data_stack"}
    assert tax.categories()["python"] == "language"


def test_html_to_text_handles_hn_entities_and_greenhouse_double_escaping():
    from skillpulse.extractors.html import to_text

    hn = "Acme | Remote<p>We use C&#x2F;C++ and Python&#x27;s ecosystem<p>Rust"
    assert to_text(hn) == "Acme | Remote\nWe use C/C++ and Python's ecosystem\nRust"
    greenhouse = "&lt;p&gt;We use &lt;strong&gt;Go&lt;/strong&gt;&lt;/p&gt;"
    greenhouse += "&lt;ul&gt;&lt;li&gt;Rust&lt;/li&gt;&lt;/ul&gt;"
    assert to_text(greenhouse) == "We use Go\n\nRust"
    assert to_text("<p>Write &lt;p&gt; tags</p>") == "Write <p> tags"
    assert to_text("R&D and AT&T", is_html=False) == "R&D and AT&T"


def test_a_saved_pipeline_keeps_its_taxonomy_after_the_yaml_is_gone(tmp_path):
    """nlp.to_disk stores the taxonomy with the component; spacy.load reads it back from there."""
    import shutil

    import spacy

    from skillpulse.extractors.skills import DEFAULT_TAXONOMY, TAXONOMY_FILE

    own = tmp_path / "own.yaml"
    text = DEFAULT_TAXONOMY.read_text(encoding="utf-8")
    marker = "\n  - id: pytorch\n"
    assert marker in text
    shutil.copy(DEFAULT_TAXONOMY, own)
    nlp = spacy.blank("en")
    nlp.add_pipe("skillpulse_skills", config={"taxonomy_path": str(own)})
    nlp.to_disk(tmp_path / "pipeline")
    assert (tmp_path / "pipeline" / "skillpulse_skills" / TAXONOMY_FILE).is_file()
    own.unlink()
    loaded = spacy.load(tmp_path / "pipeline")
    doc = loaded("Python and PyTorch in production.")
    found = {s.id_ for s in doc.spans["skills"]}
    assert {"python", "pytorch"} <= found
    assert loaded.get_pipe("skillpulse_skills").taxonomy.path.name == TAXONOMY_FILE
