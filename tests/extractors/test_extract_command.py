"""``skillpulse extract`` end to end through the CLI: JSONL, CSV, HTML, bad lines, missing columns."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from skillpulse.flows.cli import app

runner = CliRunner()


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_jsonl_in_jsonl_out(tmp_path: Path):
    src = tmp_path / "postings.jsonl"
    src.write_text(
        json.dumps({"id": "a", "text": "Python, R and SQL. Our R&D team."})
        + "\n"
        + json.dumps({"id": 7, "text": "Go to market with Spark Networks"})
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "skills.jsonl"
    result = runner.invoke(app, ["extract", "--input", str(src), "--output", str(out)])
    assert result.exit_code == 0, result.output
    rows = read(out)
    assert [r["id"] for r in rows] == ["a", "7"]
    assert rows[0]["skills"] == ["python", "r", "sql"]
    assert rows[1]["skills"] == []
    text = "Python, R and SQL. Our R&D team."
    for m in rows[0]["mentions"]:
        assert text[m["start"] : m["end"]] == m["text"]
        assert set(m) == {"skill", "start", "end", "text"}


def test_html_input_is_turned_into_text(tmp_path: Path):
    src = tmp_path / "hn.jsonl"
    html = "Acme | Remote<p>We use C&#x2F;C++ and Rust</p><p>Python&#x27;s great</p>"
    src.write_text(json.dumps({"id": "hn-1", "text": html}) + "\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert runner.invoke(app, ["extract", "-i", str(src), "-o", str(out)]).exit_code == 0
    [row] = read(out)
    assert row["skills"] == ["c", "cpp", "python", "rust"]
    assert {m["text"] for m in row["mentions"]} == {"C", "C++", "Rust", "Python"}


def test_bad_json_lines_are_reported_and_skipped(tmp_path: Path):
    src = tmp_path / "p.jsonl"
    src.write_text(
        '{"id": 1, "text": "Java"}\n{oops\n{"id": 3}\n{"id": 4, "text": "Scala"}\n', encoding="utf-8"
    )
    out = tmp_path / "o.jsonl"
    result = runner.invoke(app, ["extract", "-i", str(src), "-o", str(out)])
    assert result.exit_code == 0
    assert "line 2: not valid JSON" in result.output
    assert "line 3: no string field 'text'" in result.output
    assert [(r["id"], r["skills"]) for r in read(out)] == [("1", ["java"]), ("4", ["scala"])]


def test_csv_with_text_and_id_columns(tmp_path: Path):
    src = tmp_path / "p.csv"
    src.write_text(
        'job_id,description\nx1,"Tableau, Excel and SQL"\nx2,"you will excel at sales"\n', encoding="utf-8"
    )
    out = tmp_path / "o.jsonl"
    args = [
        "extract",
        "-i",
        str(src),
        "-o",
        str(out),
        "--text-column",
        "description",
        "--id-column",
        "job_id",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert [(r["id"], r["skills"]) for r in read(out)] == [
        ("x1", ["data_visualization", "excel", "sql", "tableau"]),  # Tableau implies data visualisation
        ("x2", []),
    ]


def test_csv_missing_column_is_a_clear_error(tmp_path: Path):
    src = tmp_path / "p.csv"
    src.write_text("job_id,description\n1,Python\n", encoding="utf-8")
    result = runner.invoke(app, ["extract", "-i", str(src), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 2
    assert "no column 'text'" in result.output and "description" in result.output


def test_streams_in_chunks(tmp_path: Path, monkeypatch):
    """The reader is consumed lazily: extraction starts before the whole input is read."""
    from skillpulse.extractors.skills import SkillExtractor

    seen_chunks = []
    original = SkillExtractor.extract_many

    def spy(self, texts, batch_size=64, n_process=1):
        assert not isinstance(texts, list | tuple)
        for result in original(self, texts, batch_size=batch_size):
            seen_chunks.append(1)
            yield result

    monkeypatch.setattr(SkillExtractor, "extract_many", spy)
    src = tmp_path / "p.jsonl"
    src.write_text(
        "".join(json.dumps({"id": i, "text": "Python"}) + "\n" for i in range(300)), encoding="utf-8"
    )
    out = tmp_path / "o.jsonl"
    assert runner.invoke(app, ["extract", "-i", str(src), "-o", str(out), "--batch-size", "8"]).exit_code == 0
    assert len(read(out)) == 300 == len(seen_chunks)
